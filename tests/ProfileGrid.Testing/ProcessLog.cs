using System.Globalization;
using System.Text;

namespace ProfileGrid.Testing;

/// <summary>The last lines a child process wrote to stdout and stderr, time-stamped, for failure messages.</summary>
public sealed class ProcessLog(string name, int capacity = 5000)
{
    private readonly Queue<string> _lines = new();
    private readonly Lock _gate = new();
    private long _dropped;

    /// <summary>Adds one line; the oldest line goes once <c>capacity</c> lines are held.</summary>
    public void Add(string stream, string? line)
    {
        if (line is null)
        {
            return;
        }

        var entry = string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:HH:mm:ss.fff} {stream} {line}");
        lock (_gate)
        {
            _lines.Enqueue(entry);
            if (_lines.Count > capacity)
            {
                _lines.Dequeue();
                _dropped++;
            }
        }
    }

    /// <summary>Whether any held line contains <paramref name="text"/>.</summary>
    public bool Contains(string text)
    {
        lock (_gate)
        {
            return _lines.Any(line => line.Contains(text, StringComparison.Ordinal));
        }
    }

    /// <summary>The held lines (at most the last <paramref name="maxLines"/>), headed by the process name.</summary>
    public string Tail(int maxLines = 200)
    {
        lock (_gate)
        {
            var skipped = _dropped + Math.Max(0, _lines.Count - maxLines);
            var text = new StringBuilder()
                .Append(CultureInfo.InvariantCulture, $"----- {name}: last {Math.Min(maxLines, _lines.Count)} lines")
                .Append(skipped > 0 ? string.Create(CultureInfo.InvariantCulture, $" ({skipped} earlier lines not shown)") : string.Empty)
                .AppendLine(" -----");
            foreach (var line in _lines.Skip(Math.Max(0, _lines.Count - maxLines)))
            {
                text.AppendLine(line);
            }

            return text.Append(CultureInfo.InvariantCulture, $"----- end of {name} -----").ToString();
        }
    }

    /// <summary>Writes every held line to <paramref name="path"/> (replacing it).</summary>
    public void WriteTo(string path)
    {
        lock (_gate)
        {
            File.WriteAllLines(path, _lines);
        }
    }

    /// <inheritdoc />
    public override string ToString() => Tail();
}
