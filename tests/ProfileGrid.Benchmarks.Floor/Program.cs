using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using ProfileGrid.Benchmarks.Floor;

var builder = WebApplication.CreateBuilder(args);
// As ProfileGrid logs in production (appsettings.json): nothing per request.
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var siloPort = builder.Configuration.GetValue("Floor:SiloPort", 11211);
var gatewayPort = builder.Configuration.GetValue("Floor:GatewayPort", 30200);
builder.UseOrleans(silo => silo
    .UseLocalhostClustering(siloPort, gatewayPort, serviceId: "floor", clusterId: "floor")
    .AddMemoryGrainStorage(FloorStorage.Name));
// As ProfileGrid's memory mode: Orleans' binary serializer instead of memory storage's default Newtonsoft JSON.
builder.Services.AddOptions<MemoryGrainStorageOptions>(FloorStorage.Name).PostConfigure<Serializer>(
    (options, serializer) => options.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer));

var app = builder.Build();
app.MapPost("/v1/events", FloorEndpoint.HandleAsync);
app.MapGet("/healthz", () => TypedResults.Ok());
app.MapGet("/readyz", () => TypedResults.Ok());
app.Run();
