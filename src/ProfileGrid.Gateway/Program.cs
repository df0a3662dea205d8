using ProfileGrid.Gateway.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddProfileGridCluster();
builder.AddProfileGridGateway();

var app = builder.Build();
app.MapProfileGridGateway();
app.Run();

/// <summary>The entry point, visible to <c>WebApplicationFactory</c> in the tests.</summary>
public partial class Program;
