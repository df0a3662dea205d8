using ProfileGrid.Hosting;

// The one-time upgrade of the small grains' state from the hand-written storage to Orleans' (docs/operations.md).
if (args is ["migrate-grain-state", .. var settings]) return await GrainStateMigration.RunCommandAsync(settings);

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
