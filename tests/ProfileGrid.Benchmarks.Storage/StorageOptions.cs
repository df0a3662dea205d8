using System.Globalization;

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

    public static StorageOptions Parse(string[] args)
    {
        var options = new StorageOptions(2000, 10, 64, "typical", null);
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => ++i < args.Length ? args[i] : throw new ArgumentException($"{args[i - 1]} needs a value.{Environment.NewLine}{Usage}");
            options = args[i] switch
            {
                "--customers" => options with { Customers = Positive(Value()) },
                "--writes" => options with { Writes = Positive(Value()) },
                "--concurrency" => options with { Concurrency = Positive(Value()) },
                "--customer" => options with { Customer = Value() },
                "--out" => options with { Out = Value() },
                _ => throw new ArgumentException($"Unknown option {args[i]}.{Environment.NewLine}{Usage}"),
            };
        }

        return options;
    }

    private static int Positive(string text) =>
        int.TryParse(text, NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new ArgumentException($"'{text}' is not a positive number.{Environment.NewLine}{Usage}");
}
