using System.Globalization;

// Ingest throughput: the gateway's POST /v1/events against a no-op endpoint that only parses the same JSON, in one
// process and one run, so the ratio means something on a shared, noisy machine. Usage:
//   dotnet run -c Release --project tests/ProfileGrid.Benchmarks -- [seconds=15] [concurrency=8] [batch=100] [customersPerBatch=20]
namespace ProfileGrid.Benchmarks;

internal static class BenchmarkProgram
{
    public static async Task Main(string[] args)
    {
        var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 15;
        var concurrency = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 8;
        var batch = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 100;
        var customersPerBatch = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 20;

        await using var gateway = new BenchmarkGateway();
        gateway.StartServer();
        var duration = TimeSpan.FromSeconds(seconds);

        // Warm both paths (JIT, connection pools, grain activations) before measuring.
        await new IngestLoad(gateway.BaseAddress, BenchmarkGateway.NoopPath, batch, customersPerBatch, concurrency).RunAsync(TimeSpan.FromSeconds(3));
        await new IngestLoad(gateway.BaseAddress, "/v1/events", batch, customersPerBatch, concurrency).RunAsync(TimeSpan.FromSeconds(3));

        var noop = await new IngestLoad(gateway.BaseAddress, BenchmarkGateway.NoopPath, batch, customersPerBatch, concurrency).RunAsync(duration);
        var ingest = await new IngestLoad(gateway.BaseAddress, "/v1/events", batch, customersPerBatch, concurrency).RunAsync(duration);

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            ingest benchmark: {seconds}s per endpoint, {concurrency} concurrent producers, batches of {batch} events over {customersPerBatch} customers
            | endpoint | events/s | failed requests |
            |---|---|---|
            | no-op (parse JSON, answer 202) | {noop.EventsPerSecond:N0} | {noop.Failures} |
            | POST /v1/events (validate, grains, memory storage) | {ingest.EventsPerSecond:N0} | {ingest.Failures} |
            ratio /v1/events : no-op = {ingest.EventsPerSecond / noop.EventsPerSecond:P0} (target >= 50%)
            """));
    }
}
