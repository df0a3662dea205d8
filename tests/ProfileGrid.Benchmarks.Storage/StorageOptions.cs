using Microsoft.Extensions.Configuration;

namespace ProfileGrid.Benchmarks.Storage;

/// <summary>What to run: how many customers, how many writes each, how many in flight, and which sample customer.</summary>
internal sealed record StorageOptions(int Customers, int Writes, int Concurrency, string Customer, string? Out)
{
    public const string Usage = """
        ProfileGrid.Benchmarks.Storage [--customers 2000] [--writes 10] [--concurrency 64] [--customer typical] [--out section.md]
          --customers    customers written, each its own row in each storage
          --writes       writes per customer: the first stores the whole customer, each later one adds one event
          --concurrency  writes in flight at once, each to a different customer
          --customer     the sample customer (SampleCustomers): typical or hot
          --out          where to write the markdown section (also printed)
        """;

    /// <summary>The command line's <c>--name value</c> pairs, read as configuration: a value that is not a number where one is expected stops the run.</summary>
    public static StorageOptions Parse(string[] args)
    {
        var settings = new ConfigurationBuilder().AddCommandLine(args).Build();
        var options = new StorageOptions(
            settings.GetValue("customers", 2000),
            settings.GetValue("writes", 10),
            settings.GetValue("concurrency", 64),
            settings.GetValue("customer", "typical")!,
            settings["out"]);
        return options is { Customers: > 0, Writes: > 0, Concurrency: > 0, Customer: "typical" or "hot" }
            ? options
            : throw new ArgumentException($"Counts must be positive and the customer typical or hot.{Environment.NewLine}{Usage}");
    }
}
