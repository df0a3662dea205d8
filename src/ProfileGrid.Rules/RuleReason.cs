using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ProfileGrid.Rules;

/// <summary>
/// Why a rule holds: a comparison that held (<see cref="OperandReason"/>), or a <c>not</c> whose inside was false
/// (<see cref="NegationReason"/>). Shown (and written in JSON) as its text, e.g. <c>purchase.1h = 0</c> or
/// <c>not (purchase.1h >= 1): purchase.1h = 0</c>; masking works on the fields (<see cref="Map"/>), not on the text.
/// </summary>
[JsonConverter(typeof(RuleReasonTextConverter))]
public abstract record RuleReason
{
    /// <summary>The same reason with each operand's value as <paramref name="value"/> makes it (e.g. personal values hidden).</summary>
    public abstract RuleReason Map(Func<OperandReason, OperandReason> value);

    public sealed override string ToString()
    {
        var text = new StringBuilder();
        Write(text);
        return text.ToString();
    }

    internal abstract void Write(StringBuilder text);
}

/// <summary>An operand and its value as the rule read it (<c>trait.country = "DK"</c>, <c>purchase.last = 10d ago</c>).</summary>
/// <param name="Operand">The operand as the rule writes it: <c>purchase.1h</c>, <c>trait.email</c>.</param>
/// <param name="Value">Its value, rendered: a number, a "text", <c>10d ago</c>, <c>never</c> or <c>not set</c>.</param>
/// <param name="Personal">Whether the value is personal data: the value of an identity trait (<see cref="IdentityTraits"/>).</param>
public sealed record OperandReason(string Operand, string Value, bool Personal) : RuleReason
{
    public override RuleReason Map(Func<OperandReason, OperandReason> value) => value(this);

    internal override void Write(StringBuilder text) => text.Append(Operand).Append(" = ").Append(Value);
}

/// <summary>A <c>not</c> that held: the rule it negates (its canonical text), and the values of the operands that made it false, each once.</summary>
public sealed record NegationReason(string Negated, IReadOnlyList<OperandReason> Values) : RuleReason
{
    public override RuleReason Map(Func<OperandReason, OperandReason> value) => this with { Values = [.. Values.Select(value)] };

    public bool Equals(NegationReason? other) =>
        other is not null && Negated == other.Negated && Values.SequenceEqual(other.Values);

    public override int GetHashCode() => HashCode.Combine(Negated, Values.Count);

    internal override void Write(StringBuilder text)
    {
        text.Append("not (").Append(Negated).Append("): ");
        for (var i = 0; i < Values.Count; i++)
        {
            if (i > 0) text.Append(", ");
            Values[i].Write(text);
        }
    }
}

/// <summary>Writes a reason as its text (the API and the hub show reasons as strings); reasons are not read back.</summary>
public sealed class RuleReasonTextConverter : JsonConverter<RuleReason>
{
    public override RuleReason Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("A reason is written as its text and not read back.");

    public override void Write(Utf8JsonWriter writer, RuleReason value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
}
