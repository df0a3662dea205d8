using System.Globalization;

namespace ProfileGrid.Benchmarks.Tools;

/// <summary><c>--name value</c> pairs after the command word, read by name with a default.</summary>
internal sealed class ToolArgs
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public ToolArgs(IReadOnlyList<string> args)
    {
        for (var i = 0; i + 1 < args.Count; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"Expected --name value, got {args[i]}.");
            _values[args[i][2..]] = args[i + 1];
        }

        if (args.Count % 2 != 0) throw new ArgumentException($"{args[^1]} needs a value.");
    }

    public string Text(string name) => _values.TryGetValue(name, out var value) ? value : throw new ArgumentException($"--{name} is required.");

    public string Text(string name, string fallback) => _values.GetValueOrDefault(name, fallback);

    public string? Optional(string name) => _values.GetValueOrDefault(name);

    public double Number(string name, double fallback) =>
        _values.TryGetValue(name, out var value) ? double.Parse(value, CultureInfo.InvariantCulture) : fallback;

    public int Int(string name, int fallback) => (int)Number(name, fallback);

    public TimeSpan Seconds(string name, double fallback) => TimeSpan.FromSeconds(Number(name, fallback));
}
