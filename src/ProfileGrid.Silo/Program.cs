using ProfileGrid.Hosting;

// A bad setting stops the process with one line naming it (StartupChecks), before anything starts.
return StartupChecks.Run(() =>
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddProfileGridSilo(standalone: false);

    var app = builder.Build();
    app.CheckOptions();
    app.MapHealthApi();
    app.Run();
});
