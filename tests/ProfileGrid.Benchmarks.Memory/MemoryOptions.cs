using System.Globalization;

namespace ProfileGrid.Benchmarks.Memory;

internal sealed record MemoryOptions(string Grain, int Activations, int Warmup, bool Census, string Dumps, string? Out, string? Label)
{
    public const string Usage = """
        ProfileGrid.Benchmarks.Memory [--grain customer|empty] [--activations 100000] [--warmup 2000] [--no-census]
                                      [--dumps <dir for the census's temporary dumps>] [--label x] [--out f.json]
        """;

    public static MemoryOptions Parse(string[] args)
    {
        var options = new MemoryOptions("customer", 100_000, 2_000, true, Path.GetTempPath(), null, null);
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => ++i < args.Length ? args[i] : throw new ArgumentException($"{args[i - 1]} needs a value.{Environment.NewLine}{Usage}");
            options = args[i] switch
            {
                "--grain" => options with { Grain = Population.Named(Value()).Grain },
                "--activations" => options with { Activations = Positive(Value()) },
                "--warmup" => options with { Warmup = Positive(Value()) },
                "--no-census" => options with { Census = false },
                "--dumps" => options with { Dumps = Value() },
                "--out" => options with { Out = Value() },
                "--label" => options with { Label = Value() },
                _ => throw new ArgumentException($"Unknown option {args[i]}.{Environment.NewLine}{Usage}"),
            };
        }

        return options;
    }

    private static int Positive(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new ArgumentException($"{text} is not a positive whole number.");
}
