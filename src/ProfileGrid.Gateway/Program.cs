using ProfileGrid.Gateway.Hosting;
using ProfileGrid.Hosting;

// A bad setting stops the process with one line naming it (StartupChecks), before anything starts.
return StartupChecks.Run(() =>
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddProfileGridCluster();
    builder.AddProfileGridGateway();

    var app = builder.Build();
    app.CheckOptions();
    app.MapProfileGridGateway();
    app.Run();
});

/// <summary>The entry point, visible to <c>WebApplicationFactory</c> in the tests.</summary>
public partial class Program;
