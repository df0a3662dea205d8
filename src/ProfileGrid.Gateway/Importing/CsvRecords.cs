using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace ProfileGrid.Gateway.Importing;

/// <summary>
/// The CSV column mapping: a header row names the columns, each data row becomes the JSON record an NDJSON line
/// would hold, read then by <see cref="ImportRecords"/> (one set of rules for both formats). Columns: <c>id</c>,
/// <c>type</c>, <c>customerId</c>, <c>anonymousId</c>, <c>timestamp</c>, <c>value</c>, <c>channel</c>,
/// <c>properties.NAME</c> and <c>traits.NAME</c>. A row with a type is an event (its <c>traits.*</c> cells must be
/// empty); a row without one is a trait record. An empty cell is a field not given; a property or trait cell that
/// reads as a number, <c>true</c> or <c>false</c> is that, anything else a string.
/// </summary>
internal sealed class CsvRecords
{
    private static readonly HashSet<string> Plain = new(StringComparer.Ordinal) { "id", "type", "customerId", "anonymousId", "timestamp", "value", "channel" };

    private readonly string[] _columns;
    private readonly int _type;
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);

    private CsvRecords(string[] columns) => (_columns, _type) = (columns, Array.IndexOf(columns, "type"));

    /// <summary>The mapping of a header, or why the header cannot be read (the import then fails: no row could be).</summary>
    public static CsvRecords? For(IReadOnlyList<string> header, out string problem)
    {
        problem = "";
        foreach (var column in header)
        {
            if (Plain.Contains(column)) continue;
            if ((column.StartsWith("properties.", StringComparison.Ordinal) && column.Length > "properties.".Length)
                || (column.StartsWith("traits.", StringComparison.Ordinal) && column.Length > "traits.".Length)) continue;
            problem = $"the CSV header has a column '{column}' the mapping does not know: use id, type, customerId, anonymousId, timestamp, value, channel, properties.NAME and traits.NAME (docs/imports.md)";
            return null;
        }

        if (header.Distinct(StringComparer.Ordinal).Count() != header.Count)
        {
            problem = "the CSV header names a column twice";
            return null;
        }

        if (!header.Contains("customerId") && !header.Contains("anonymousId"))
        {
            problem = "the CSV header needs a customerId or anonymousId column";
            return null;
        }

        return new CsvRecords([.. header]);
    }

    public int ColumnCount => _columns.Length;

    /// <summary>The row as a JSON record (valid until the next call), or null with why it is not one.</summary>
    public ReadOnlyMemory<byte>? ToJson(Func<int, string> cell, out string error)
    {
        error = "";
        var isEvent = _type >= 0 && cell(_type).Length > 0;
        if (isEvent && HasAny("traits.", cell))
        {
            error = "traits.* cells must be empty on an event row (a row with a type); put traits on a row of their own";
            return null;
        }

        if (!isEvent && !HasAny("traits.", cell))
        {
            error = "a row needs a type (an event) or traits.* cells (a trait record)";
            return null;
        }

        _buffer.ResetWrittenCount();
        using var json = new Utf8JsonWriter(_buffer);
        json.WriteStartObject();
        for (var i = 0; i < _columns.Length; i++)
        {
            var text = cell(i);
            if (text.Length == 0 || !Plain.Contains(_columns[i])) continue;
            if (_columns[i] == "value" && decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)) json.WriteNumber("value", value);
            else json.WriteString(_columns[i], text);
        }

        WriteNested(json, "properties", cell);
        WriteNested(json, "traits", cell);
        json.WriteEndObject();
        json.Flush();
        return _buffer.WrittenMemory;
    }

    private bool HasAny(string prefix, Func<int, string> cell)
    {
        for (var i = 0; i < _columns.Length; i++)
        {
            if (_columns[i].StartsWith(prefix, StringComparison.Ordinal) && cell(i).Length > 0) return true;
        }

        return false;
    }

    private void WriteNested(Utf8JsonWriter json, string name, Func<int, string> cell)
    {
        var prefix = name + ".";
        var open = false;
        for (var i = 0; i < _columns.Length; i++)
        {
            if (!_columns[i].StartsWith(prefix, StringComparison.Ordinal)) continue;
            var text = cell(i);
            if (text.Length == 0) continue;
            if (!open)
            {
                json.WriteStartObject(name);
                open = true;
            }

            var key = _columns[i][prefix.Length..];
            if (text is "true" or "false") json.WriteBoolean(key, text == "true");
            else if (decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number)) json.WriteNumber(key, number);
            else json.WriteString(key, text);
        }

        if (open) json.WriteEndObject();
    }
}
