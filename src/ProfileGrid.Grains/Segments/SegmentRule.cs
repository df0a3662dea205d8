using System.Globalization;
using System.Text;

namespace ProfileGrid.Segments;

/// <summary>
/// A segment's rule, as <see cref="RuleParser"/> reads it: comparisons joined by <c>and</c>, <c>or</c> and
/// <c>not</c>. <see cref="ToString"/> prints the canonical text, which parses back to an equal rule.
/// </summary>
public abstract record SegmentRule
{
    /// <summary>Binding strength when printed: or 1, and 2, not and comparisons 3.</summary>
    internal abstract int Precedence { get; }

    public abstract override string ToString();

    /// <summary>A child as printed inside a parent: in parentheses when it binds more loosely, or equally on the right.</summary>
    internal static string Child(SegmentRule child, int parent, bool right) =>
        child.Precedence < parent || (right && child.Precedence == parent && parent < 3) ? $"({child})" : child.ToString();
}

public sealed record AndRule(SegmentRule Left, SegmentRule Right) : SegmentRule
{
    internal override int Precedence => 2;

    public override string ToString() => $"{Child(Left, 2, false)} and {Child(Right, 2, true)}";
}

public sealed record OrRule(SegmentRule Left, SegmentRule Right) : SegmentRule
{
    internal override int Precedence => 1;

    public override string ToString() => $"{Child(Left, 1, false)} or {Child(Right, 1, true)}";
}

public sealed record NotRule(SegmentRule Inner) : SegmentRule
{
    internal override int Precedence => 3;

    public override string ToString() => $"not {Child(Inner, 3, false)}";
}

public sealed record Comparison(Operand Operand, CompareOp Op, Literal Value) : SegmentRule
{
    internal override int Precedence => 3;

    public override string ToString() => $"{Operand} {Symbol(Op)} {Value}";

    public static string Symbol(CompareOp op) => op switch
    {
        CompareOp.Equal => "==",
        CompareOp.NotEqual => "!=",
        CompareOp.Less => "<",
        CompareOp.LessOrEqual => "<=",
        CompareOp.Greater => ">",
        CompareOp.GreaterOrEqual => ">=",
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };
}

public enum CompareOp { Equal, NotEqual, Less, LessOrEqual, Greater, GreaterOrEqual }

/// <summary>The counter windows a rule can name, as the API names them.</summary>
public enum Window { Hour, Day, Week, Month, Total }

/// <summary>What an operand compares with: numbers, texts (<c>==</c>/<c>!=</c> only), durations, or (a trait) a number or a text.</summary>
public enum OperandKind { Number, Text, Duration, NumberOrText }

/// <summary>Something of the customer a rule compares.</summary>
public abstract record Operand
{
    public abstract OperandKind Kind { get; }

    public abstract override string ToString();

    public static string WindowName(Window window) => window switch
    {
        Window.Hour => "1h",
        Window.Day => "24h",
        Window.Week => "7d",
        Window.Month => "30d",
        Window.Total => "total",
        _ => throw new ArgumentOutOfRangeException(nameof(window)),
    };
}

/// <summary><c>type.window</c>: how many events of the type in the window.</summary>
public sealed record CountOperand(string Type, Window Window) : Operand
{
    public override OperandKind Kind => OperandKind.Number;

    public override string ToString() => $"{Type}.{WindowName(Window)}";
}

/// <summary><c>type.sum.window</c>: the sum of the values of the type's events in the window.</summary>
public sealed record SumOperand(string Type, Window Window) : Operand
{
    public override OperandKind Kind => OperandKind.Number;

    public override string ToString() => $"{Type}.sum.{WindowName(Window)}";
}

/// <summary><c>type.last</c>: the time since the type's latest event (never: longer than any duration).</summary>
public sealed record LastOperand(string Type) : Operand
{
    public override OperandKind Kind => OperandKind.Duration;

    public override string ToString() => $"{Type}.last";
}

/// <summary><c>trait.name</c>: a trait's value, a number or a text.</summary>
public sealed record TraitOperand(string Name) : Operand
{
    public override OperandKind Kind => OperandKind.NumberOrText;

    public override string ToString() => $"trait.{Name}";
}

/// <summary>A derived value: <c>clv</c>, <c>clv.predicted</c>, <c>orders</c>, <c>rfm.*</c>, <c>tier</c>, <c>last_seen</c>, <c>first_seen</c>.</summary>
public sealed record DerivedOperand(string Name) : Operand
{
    public static readonly IReadOnlyDictionary<string, OperandKind> Known = new Dictionary<string, OperandKind>(StringComparer.Ordinal)
    {
        ["clv"] = OperandKind.Number,
        ["clv.predicted"] = OperandKind.Number,
        ["orders"] = OperandKind.Number,
        ["rfm.recency"] = OperandKind.Number,
        ["rfm.frequency"] = OperandKind.Number,
        ["rfm.monetary"] = OperandKind.Number,
        ["tier"] = OperandKind.Text,
        ["last_seen"] = OperandKind.Duration,
        ["first_seen"] = OperandKind.Duration,
    };

    public override OperandKind Kind => Known[Name];

    public override string ToString() => Name;
}

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
    public override string ToString()
    {
        var text = new StringBuilder("\"");
        foreach (var c in Value)
        {
            text.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                _ => c.ToString(),
            });
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
