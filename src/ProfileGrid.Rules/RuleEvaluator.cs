using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace ProfileGrid.Rules;

/// <summary>
/// Evaluates a <see cref="SegmentRule"/> on a customer as of <see cref="IRuleInput.AsOf"/>, and says why it holds:
/// the values of the comparisons that made it true (for <c>or</c>, the first side that holds; for <c>not</c>, the
/// values that made its inside false). Each node of the rule is visited at most once, and each reason made once,
/// so the cost is linear in the rule's size (which <see cref="RuleLimits"/> bound).
/// </summary>
public static class RuleEvaluator
{
    /// <summary>Whether the customer meets the rule, and the reasons when it does (none when it does not).</summary>
    public static RuleOutcome Evaluate(SegmentRule rule, IRuleInput input) => Evaluate(rule, input, visited: null);

    /// <summary>As <see cref="Evaluate(SegmentRule, IRuleInput)"/>, telling <paramref name="visited"/> each node it visits.</summary>
    internal static RuleOutcome Evaluate(SegmentRule rule, IRuleInput input, Action<SegmentRule>? visited)
    {
        var reasons = new List<RuleReason>();
        return new Evaluation(input, visited).Holds(rule, reasons) ? new RuleOutcome(true, reasons) : RuleOutcome.NotMet;
    }

    private sealed class Evaluation(IRuleInput input, Action<SegmentRule>? visited)
    {
        /// <summary>Whether the rule holds; if it does, its reasons are added to <paramref name="reasons"/> (and only then).</summary>
        public bool Holds(SegmentRule rule, List<RuleReason> reasons)
        {
            visited?.Invoke(rule);
            switch (rule)
            {
                case Comparison comparison:
                    var value = ValueOf(comparison.Operand);
                    if (!Compare(value, comparison.Op, comparison.Value)) return false;
                    reasons.Add(Reason(comparison.Operand, value));
                    return true;
                case AndRule and:
                    var mark = reasons.Count;
                    if (Holds(and.Left, reasons) && Holds(and.Right, reasons)) return true;
                    reasons.RemoveRange(mark, reasons.Count - mark);
                    return false;
                case OrRule or:
                    return Holds(or.Left, reasons) || Holds(or.Right, reasons);
                case NotRule not:
                    var values = new Values();
                    if (Reads(not.Inner, values)) return false;
                    reasons.Add(new NegationReason(not.InnerText, values.Read));
                    return true;
                default:
                    throw new UnreachableException();
            }
        }

        /// <summary>Whether the rule holds, reading every comparison in it (no short cut), each operand's value noted once.</summary>
        private bool Reads(SegmentRule rule, Values values)
        {
            visited?.Invoke(rule);
            switch (rule)
            {
                case Comparison comparison:
                    var value = ValueOf(comparison.Operand);
                    values.Note(comparison.Operand, value);
                    return Compare(value, comparison.Op, comparison.Value);
                case AndRule and:
                    var left = Reads(and.Left, values);
                    return Reads(and.Right, values) && left;
                case OrRule or:
                    var either = Reads(or.Left, values);
                    return Reads(or.Right, values) || either;
                case NotRule not:
                    return !Reads(not.Inner, values);
                default:
                    throw new UnreachableException();
            }
        }

        private Value ValueOf(Operand operand)
        {
            switch (operand)
            {
                case CountOperand count:
                    return new NumberValue(input.Events(count.Type, count.Window).Count);
                case SumOperand sum:
                    return new NumberValue(input.Events(sum.Type, sum.Window).Sum);
                case LastOperand last:
                    return new DurationValue(Since(input.LastAt(last.Type)));
                case FirstOperand first:
                    return new DurationValue(Since(input.FirstAt(first.Type)));
                case TraitOperand trait:
                    if (input.Trait(trait.Name) is not { } json) return MissingValue.Instance;
                    using (var document = JsonDocument.Parse(json))
                    {
                        var element = document.RootElement;
                        return element.ValueKind switch
                        {
                            JsonValueKind.Number when element.TryGetDecimal(out var number) => new NumberValue(number),
                            JsonValueKind.String => new TextValue(element.GetString()!),
                            _ => new TextValue(element.GetRawText()),
                        };
                    }

                case DerivedOperand derived:
                    var scores = input.Scores;
                    return derived.Name switch
                    {
                        "clv" => new NumberValue(scores?.Clv ?? 0m),
                        "clv.predicted" => new NumberValue(scores?.PredictedClv ?? 0m),
                        "orders" => new NumberValue(scores?.Orders ?? 0),
                        "rfm.recency" => new NumberValue(scores?.Recency ?? 1),
                        "rfm.frequency" => new NumberValue(scores?.Frequency ?? 1),
                        "rfm.monetary" => new NumberValue(scores?.Monetary ?? 1),
                        "tier" => scores is null ? MissingValue.Instance : new TextValue(scores.Tier),
                        "last_seen" => new DurationValue(Since(input.LastSeen)),
                        "first_seen" => new DurationValue(Since(input.FirstSeen)),
                        _ => throw new ArgumentOutOfRangeException(nameof(operand), derived.Name, "Unknown derived value."),
                    };
                default:
                    throw new UnreachableException();
            }
        }

        private TimeSpan? Since(DateTimeOffset? at) =>
            at is { } moment ? (input.AsOf - moment < TimeSpan.Zero ? TimeSpan.Zero : input.AsOf - moment) : null;
    }

    /// <summary>The operands a <c>not</c>'s inside reads, each once, in the order first read, with their values.</summary>
    private sealed class Values
    {
        private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

        public List<OperandReason> Read { get; } = [];

        public void Note(Operand operand, Value value)
        {
            if (_seen.Add(operand.ToString())) Read.Add(Reason(operand, value));
        }
    }

    private static OperandReason Reason(Operand operand, Value value) => new(operand.ToString(), Describe(value), operand.Personal);

    /// <summary>An operand's value: a number, a text, a duration (null: never happened), or missing (an unset trait).</summary>
    private abstract record Value;

    private sealed record NumberValue(decimal Number) : Value;

    private sealed record TextValue(string Text) : Value;

    private sealed record DurationValue(TimeSpan? Since) : Value;

    private sealed record MissingValue : Value
    {
        public static readonly MissingValue Instance = new();
    }

    /// <summary>
    /// Compares as the rule says. A duration that never started (the event never happened) is longer than any; an
    /// unset trait, or one of another kind than the value, meets only <c>!=</c>.
    /// </summary>
    private static bool Compare(Value value, CompareOp op, Literal literal)
    {
        int? order = (value, literal) switch
        {
            (NumberValue number, NumberLiteral expected) => number.Number.CompareTo(expected.Value),
            (TextValue text, TextLiteral expected) => string.Equals(text.Text, expected.Value, StringComparison.Ordinal) ? 0 : 1,
            (DurationValue { Since: { } since }, DurationLiteral expected) => since.CompareTo(expected.Value),
            (DurationValue { Since: null }, DurationLiteral) => 1,
            _ => null,
        };
        if (order is null) return op == CompareOp.NotEqual;
        return op switch
        {
            CompareOp.Equal => order == 0,
            CompareOp.NotEqual => order != 0,
            CompareOp.Less => order < 0,
            CompareOp.LessOrEqual => order <= 0,
            CompareOp.Greater => order > 0,
            _ => order >= 0,
        };
    }

    private static string Describe(Value value) => value switch
    {
        NumberValue number => number.Number.ToString(CultureInfo.InvariantCulture),
        TextValue text => TextLiteral.Quote(text.Text),
        DurationValue { Since: null } => "never",
        DurationValue { Since: { } since } => since.TotalDays >= 1 ? $"{since.TotalDays.ToString("0.#", CultureInfo.InvariantCulture)}d ago"
            : since.TotalHours >= 1 ? $"{since.TotalHours.ToString("0.#", CultureInfo.InvariantCulture)}h ago"
            : $"{since.TotalMinutes.ToString("0", CultureInfo.InvariantCulture)}m ago",
        _ => "not set",
    };
}

/// <summary>Whether a customer meets a rule, and why (the reasons are empty when it does not).</summary>
public sealed record RuleOutcome(bool Matches, IReadOnlyList<RuleReason> Reasons)
{
    public static readonly RuleOutcome NotMet = new(false, []);
}
