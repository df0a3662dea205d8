using System.Globalization;

namespace ProfileGrid.Benchmarks.Members;

/// <summary>What to run: how many enter announcements, how they are sent, and how many reads are measured after.</summary>
internal sealed record MembersOptions(int Count, int Concurrency, int Batch, int Pages, int Checks, string? Out)
{
    public const string Usage = """
        ProfileGrid.Benchmarks.Members [--count 10000000] [--concurrency 256] [--batch 1] [--pages 1000] [--checks 10000] [--out section.md]
          --count        enter announcements, one per customer, to one segment
          --concurrency  callers, each sending its next announcement as soon as the last one is answered
          --batch        announcements per call (1: one call per customer, as customers send them)
          --pages        member pages of 100 read after (the gateway's GET /v1/segments/{name}/members?after=&limit=100)
          --checks       membership checks (Contains) after: half members, half not
          --out          where to write the markdown section (also printed)
        """;

    public static MembersOptions Parse(string[] args)
    {
        var options = new MembersOptions(10_000_000, 256, 1, 1000, 10_000, null);
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => ++i < args.Length ? args[i] : throw new ArgumentException($"{args[i - 1]} needs a value.{Environment.NewLine}{Usage}");
            options = args[i] switch
            {
                "--count" => options with { Count = Positive(Value()) },
                "--concurrency" => options with { Concurrency = Positive(Value()) },
                "--batch" => options with { Batch = Positive(Value()) },
                "--pages" => options with { Pages = Positive(Value()) },
                "--checks" => options with { Checks = Positive(Value()) },
                "--out" => options with { Out = Value() },
                _ => throw new ArgumentException($"Unknown option {args[i]}.{Environment.NewLine}{Usage}"),
            };
        }

        return options;
    }

    private static int Positive(string text) =>
        int.TryParse(text, NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new ArgumentException($"{text} is not a positive whole number.");
}
