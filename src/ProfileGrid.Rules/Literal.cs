using System.Globalization;
using System.Text;

namespace ProfileGrid.Rules;

/// <summary>A value written in a rule.</summary>
public abstract record Literal
{
    public abstract override string ToString();
}

public sealed record NumberLiteral(decimal Value) : Literal
{
    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}

public sealed record TextLiteral(string Value) : Literal
{
    public override string ToString() => Quote(Value);

    /// <summary>A text in double quotes, with <c>\"</c> for a quote and <c>\\</c> for a backslash, as rules write texts.</summary>
    public static string Quote(string value)
    {
        var text = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            if (c is '"' or '\\') text.Append('\\');
            text.Append(c);
        }

        return text.Append('"').ToString();
    }
}

/// <summary>A duration: a whole number of days, hours, minutes or seconds (<c>7d</c>, <c>12h</c>, <c>30m</c>, <c>45s</c>).</summary>
public sealed record DurationLiteral(TimeSpan Value) : Literal
{
    public override string ToString() =>
        Value.Ticks % TimeSpan.TicksPerDay == 0 ? $"{Value.Ticks / TimeSpan.TicksPerDay}d"
        : Value.Ticks % TimeSpan.TicksPerHour == 0 ? $"{Value.Ticks / TimeSpan.TicksPerHour}h"
        : Value.Ticks % TimeSpan.TicksPerMinute == 0 ? $"{Value.Ticks / TimeSpan.TicksPerMinute}m"
        : $"{Value.Ticks / TimeSpan.TicksPerSecond}s";
}
