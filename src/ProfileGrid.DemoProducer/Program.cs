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
var stats = new ProducerStats(TimeProvider.System);
var gateway = new GatewayClient(http, stats);
var customers = CustomerCatalog.Create(options.Customers);

Console.WriteLine($"Sending to {options.Url} as {options.Customers} customers at {options.Rate}/s " +
    $"({(options.Duration is { } d ? $"for {d.TotalSeconds:F0} s" : "until Ctrl+C")}); hot customers: cust-0001..cust-0005.");
try
{
    await new ProfileSeeder(gateway).SeedAsync(customers, stop.Token);
    await new TrafficLoop(new TrafficModel(customers, new Random()), gateway, stats, TimeProvider.System).RunAsync(options.Rate, stop.Token);
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
}

Console.WriteLine($"Stopped. {stats.Summary()}");
return 0;
