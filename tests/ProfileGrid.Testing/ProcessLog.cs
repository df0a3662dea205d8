using System.Globalization;
using System.Text;

namespace ProfileGrid.Testing;

/// <summary>The last lines a child process wrote to stdout and stderr, time-stamped, for failure messages.</summary>
public sealed class ProcessLog(string name, int capacity = 5000)
{
    private readonly Queue<string> lines = new();
    private readonly Lock gate = new();
    private long dropped;

    /// <summary>Adds one line; the oldest line goes once <c>capacity</c> lines are held.</summary>
    public void Add(string stream, string? line)
    {
        if (line is null)
        {
            return;
        }

        var entry = string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:HH:mm:ss.fff} {stream} {line}");
        lock (gate)
        {
            lines.Enqueue(entry);
            if (lines.Count > capacity)
            {
                lines.Dequeue();
                dropped++;
            }
        }
    }

    /// <summary>Whether any held line contains <paramref name="text"/>.</summary>
    public bool Contains(string text)
    {
        lock (gate)
        {
            return lines.Any(line => line.Contains(text, StringComparison.Ordinal));
        }
    }

    /// <summary>The held lines (at most the last <paramref name="maxLines"/>), headed by the process name.</summary>
    public string Tail(int maxLines = 200)
    {
        lock (gate)
        {
            var skipped = dropped + Math.Max(0, lines.Count - maxLines);
            var text = new StringBuilder()
                .Append(CultureInfo.InvariantCulture, $"----- {name}: last {Math.Min(maxLines, lines.Count)} lines")
                .Append(skipped > 0 ? string.Create(CultureInfo.InvariantCulture, $" ({skipped} earlier lines not shown)") : string.Empty)
                .AppendLine(" -----");
            foreach (var line in lines.Skip(Math.Max(0, lines.Count - maxLines)))
            {
                text.AppendLine(line);
            }

            return text.Append(CultureInfo.InvariantCulture, $"----- end of {name} -----").ToString();
        }
    }

    /// <summary>Writes every held line to <paramref name="path"/> (replacing it).</summary>
    public void WriteTo(string path)
    {
        lock (gate)
        {
            File.WriteAllLines(path, lines);
        }
    }

    /// <inheritdoc />
    public override string ToString() => Tail();
}
