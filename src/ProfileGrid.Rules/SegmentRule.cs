using System.Text;

namespace ProfileGrid.Rules;

/// <summary>
/// A segment's rule, as <see cref="RuleParser"/> reads it: comparisons joined by <c>and</c>, <c>or</c> and
/// <c>not</c>. <see cref="ToString"/> prints the canonical text, which parses back to an equal rule.
/// </summary>
public abstract record SegmentRule
{
    /// <summary>Binding strength when printed: or 1, and 2, not and comparisons 3.</summary>
    internal abstract int Precedence { get; }

    public sealed override string ToString()
    {
        var text = new StringBuilder();
        Write(text);
        return text.ToString();
    }

    /// <summary>
    /// The same rule with what can be simplified without changing its meaning simplified: <c>not not x</c> is
    /// <c>x</c>. Nothing else: an unset trait meets only <c>!=</c>, so <c>not a == 1</c> is not <c>a != 1</c>.
    /// </summary>
    public abstract SegmentRule Normalize();

    internal abstract void Write(StringBuilder text);

    /// <summary>A child as printed inside a parent: in parentheses when it binds more loosely, or equally on the right of an <c>and</c> or <c>or</c>.</summary>
    private protected static void Write(StringBuilder text, SegmentRule child, int parent, bool right)
    {
        var parenthesized = child.Precedence < parent || (right && child.Precedence == parent);
        if (parenthesized) text.Append('(');
        child.Write(text);
        if (parenthesized) text.Append(')');
    }
}

/// <summary><c>and</c> or <c>or</c>: two rules joined.</summary>
public abstract record BinaryRule(SegmentRule Left, SegmentRule Right) : SegmentRule
{
    private protected abstract string Keyword { get; }

    internal override void Write(StringBuilder text)
    {
        Write(text, Left, Precedence, right: false);
        text.Append(' ').Append(Keyword).Append(' ');
        Write(text, Right, Precedence, right: true);
    }
}

public sealed record AndRule(SegmentRule Left, SegmentRule Right) : BinaryRule(Left, Right)
{
    internal override int Precedence => 2;

    private protected override string Keyword => "and";

    public override SegmentRule Normalize() => new AndRule(Left.Normalize(), Right.Normalize());
}

public sealed record OrRule(SegmentRule Left, SegmentRule Right) : BinaryRule(Left, Right)
{
    internal override int Precedence => 1;

    private protected override string Keyword => "or";

    public override SegmentRule Normalize() => new OrRule(Left.Normalize(), Right.Normalize());
}

public sealed record NotRule(SegmentRule Inner) : SegmentRule
{
    private string? _innerText;

    /// <summary>The inside's canonical text, as the reason for a <c>not</c> that holds names it: printed once, when first needed.</summary>
    internal string InnerText => _innerText ??= Inner.ToString();

    internal override int Precedence => 3;

    public override SegmentRule Normalize() => Inner is NotRule twice ? twice.Inner.Normalize() : new NotRule(Inner.Normalize());

    public bool Equals(NotRule? other) => other is not null && Inner.Equals(other.Inner);

    public override int GetHashCode() => Inner.GetHashCode();

    internal override void Write(StringBuilder text)
    {
        text.Append("not ");
        Write(text, Inner, 3, right: false);
    }
}

public sealed record Comparison(Operand Operand, CompareOp Op, Literal Value) : SegmentRule
{
    internal override int Precedence => 3;

    public override SegmentRule Normalize() => this;

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

    internal override void Write(StringBuilder text) => text.Append(Operand).Append(' ').Append(Symbol(Op)).Append(' ').Append(Value);
}

public enum CompareOp { Equal, NotEqual, Less, LessOrEqual, Greater, GreaterOrEqual }
