using ProfileGrid.DemoProducer;

var options = ProducerOptions.Parse(args, out var error);
if (options is null)
{
    Console.Error.WriteLine(error is "" ? ProducerOptions.Usage : $"{error}\n\n{ProducerOptions.Usage}");
    return error is "" ? 0 : 2;
}

using var stop = options.Duration is { } duration ? new CancellationTokenSource(duration) : new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

using var http = new HttpClient { BaseAddress = options.Url, Timeout = TimeSpan.FromSeconds(30) };
http.DefaultRequestHeaders.Add("X-Api-Key", options.Key);
using var stats = new ProducerStats(TimeProvider.System);
var gateway = new GatewayClient(http, stats);
// Events go through the producer client (batching, back-pressure, retries that keep each id); seeding uses the gateway's routes directly.
await using var client = new ProfileGrid.Client.ProfileGridClient(new ProfileGrid.Client.ProfileGridClientOptions
{
    Endpoint = options.Url,
    ApiKey = options.Key,
    MaxBatchSize = 1000,
    MaxBatchDelay = TimeSpan.FromMilliseconds(250),
});
var customers = CustomerCatalog.Create(options.Customers);

Console.WriteLine($"Sending to {options.Url} as {options.Customers} customers at {options.Rate}/s " +
    $"({(options.Duration is { } d ? $"for {d.TotalSeconds:F0} s" : "until Ctrl+C")}); hot customers: cust-0001..cust-0005.");
try
{
    await new ProfileSeeder(gateway).SeedAsync(customers, stop.Token);
    await new TrafficLoop(new TrafficModel(customers, new Random()), client, stats, TimeProvider.System).RunAsync(options.Rate, stop.Token);
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
}

await client.DisposeAsync();
Console.WriteLine($"Stopped. {stats.Summary()}");
return 0;
