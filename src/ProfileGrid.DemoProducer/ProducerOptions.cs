using System.Globalization;

namespace ProfileGrid.DemoProducer;

/// <summary>The command line: where to send, with which key, how many customers and how fast.</summary>
internal sealed record ProducerOptions(Uri Url, string Key, int Customers, double Rate, TimeSpan? Duration)
{
    public const string Usage = """
        Sends synthetic customer traffic to a ProfileGrid gateway.

          --url <url>          gateway address               (default http://127.0.0.1:5080)
          --key <key>          producer API key              (default dev-producer-key-0001)
          --customers <n>      customers cust-0001..         (default 300)
          --rate <n>           events per second             (default 20)
          --duration <s>       seconds to run, 0 = until Ctrl+C (default 0)
        """;

    public static ProducerOptions Default { get; } = new(new Uri("http://127.0.0.1:5080"), "dev-producer-key-0001", 300, 20, null);

    /// <summary>The options, or null with <paramref name="error"/> set (empty for <c>--help</c>).</summary>
    public static ProducerOptions? Parse(IReadOnlyList<string> args, out string? error)
    {
        var options = Default;
        for (var i = 0; i < args.Count; i++)
        {
            var (name, inline) = Split(args[i]);
            if (name is "-h" or "--help") { error = ""; return null; }
            var value = inline ?? (i + 1 < args.Count ? args[++i] : null);
            if (value is null) { error = $"{name} needs a value."; return null; }
            var next = name switch
            {
                "--url" when Uri.TryCreate(value, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" => options with { Url = url },
                "--key" when value.Length >= 16 => options with { Key = value },
                "--customers" when int.TryParse(value, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 9999 => options with { Customers = n },
                "--rate" when double.TryParse(value, CultureInfo.InvariantCulture, out var r) && r is > 0 and <= 10_000 => options with { Rate = r },
                "--duration" when int.TryParse(value, CultureInfo.InvariantCulture, out var s) && s >= 0 =>
                    options with { Duration = s == 0 ? null : TimeSpan.FromSeconds(s) },
                _ => null,
            };
            if (next is null)
            {
                error = name switch
                {
                    "--url" => "--url must be an absolute http(s) address.",
                    "--key" => "--key must be at least 16 characters.",
                    "--customers" => "--customers must be a whole number from 1 to 9999.",
                    "--rate" => "--rate must be a number of events per second above 0 (at most 10000).",
                    "--duration" => "--duration must be a whole number of seconds, 0 for until Ctrl+C.",
                    _ => $"Unknown option {name}.",
                };
                return null;
            }

            options = next;
        }

        error = null;
        return options;
    }

    private static (string Name, string? Value) Split(string arg)
    {
        var equals = arg.IndexOf('=', StringComparison.Ordinal);
        return equals > 0 ? (arg[..equals], arg[(equals + 1)..]) : (arg, null);
    }
}
