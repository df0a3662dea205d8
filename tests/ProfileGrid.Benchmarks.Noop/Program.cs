using ProfileGrid.Benchmarks.Noop;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);

var app = builder.Build();
app.MapPost("/v1/events", NoopEndpoint.HandleAsync);
app.MapGet("/healthz", () => TypedResults.Ok());
app.MapGet("/readyz", () => TypedResults.Ok());
app.Run();
