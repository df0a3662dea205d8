using System.Globalization;
using System.Text.Json;
using ProfileGrid.Customers;

namespace ProfileGrid.Segments;

/// <summary>
/// Evaluates a <see cref="SegmentRule"/> on a profile as of its <see cref="CustomerProfile.AsOf"/>, and says why it
/// holds: the values of the comparisons that made it true (for <c>or</c>, the first side that holds; for
/// <c>not</c>, the values that made its inside false).
/// </summary>
public static class RuleEvaluator
{
    /// <summary>Whether the profile meets the rule, and the reasons when it does (empty when it does not).</summary>
    public static (bool Matches, IReadOnlyList<string> Reasons) Evaluate(SegmentRule rule, CustomerProfile profile)
    {
        var reasons = new List<string>();
        return Holds(rule, profile, reasons) ? (true, reasons) : (false, []);
    }

    private static bool Holds(SegmentRule rule, CustomerProfile profile, List<string> reasons)
    {
        switch (rule)
        {
            case Comparison comparison:
                var value = ValueOf(comparison.Operand, profile);
                if (!Compare(value, comparison.Op, comparison.Value)) return false;
                reasons.Add($"{comparison.Operand} = {Describe(value)}");
                return true;
            case AndRule and:
                var mark = reasons.Count;
                if (Holds(and.Left, profile, reasons) && Holds(and.Right, profile, reasons)) return true;
                reasons.RemoveRange(mark, reasons.Count - mark);
                return false;
            case OrRule or:
                return Holds(or.Left, profile, reasons) || Holds(or.Right, profile, reasons);
            case NotRule not:
                if (Holds(not.Inner, profile, [])) return false;
                reasons.Add($"not ({not.Inner}): {string.Join(", ", Comparisons(not.Inner).Select(c => $"{c.Operand} = {Describe(ValueOf(c.Operand, profile))}").Distinct())}");
                return true;
            default:
                throw new ArgumentOutOfRangeException(nameof(rule), rule.GetType().Name, "Not a rule.");
        }
    }

    private static IEnumerable<Comparison> Comparisons(SegmentRule rule) => rule switch
    {
        Comparison comparison => [comparison],
        AndRule and => Comparisons(and.Left).Concat(Comparisons(and.Right)),
        OrRule or => Comparisons(or.Left).Concat(Comparisons(or.Right)),
        NotRule not => Comparisons(not.Inner),
        _ => [],
    };

    /// <summary>An operand's value: a number, a text, a duration (null: never happened), or missing (an unset trait).</summary>
    private abstract record Value;

    private sealed record NumberValue(decimal Number) : Value;

    private sealed record TextValue(string Text) : Value;

    private sealed record DurationValue(TimeSpan? Since) : Value;

    private sealed record MissingValue : Value;

    private static Value ValueOf(Operand operand, CustomerProfile profile)
    {
        switch (operand)
        {
            case CountOperand count:
                return new NumberValue(Window(Counter(profile, count.Type), count.Window).Count);
            case SumOperand sum:
                return new NumberValue(Window(Counter(profile, sum.Type), sum.Window).Sum);
            case LastOperand last:
                return new DurationValue(Since(profile, Counter(profile, last.Type)?.LastAt));
            case TraitOperand trait:
                if (!profile.Traits.TryGetValue(trait.Name, out var json)) return new MissingValue();
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
                var scores = profile.Value;
                return derived.Name switch
                {
                    "clv" => new NumberValue(scores?.HistoricClv ?? 0m),
                    "clv.predicted" => new NumberValue(scores?.PredictedClv ?? 0m),
                    "orders" => new NumberValue(scores?.Orders ?? 0),
                    "rfm.recency" => new NumberValue(scores?.Recency ?? 1),
                    "rfm.frequency" => new NumberValue(scores?.Frequency ?? 1),
                    "rfm.monetary" => new NumberValue(scores?.Monetary ?? 1),
                    "tier" => scores is null ? new MissingValue() : new TextValue(scores.Tier),
                    "last_seen" => new DurationValue(Since(profile, profile.LastSeen)),
                    "first_seen" => new DurationValue(Since(profile, profile.FirstSeen)),
                    _ => throw new ArgumentOutOfRangeException(nameof(operand), derived.Name, "Unknown derived value."),
                };
            default:
                throw new ArgumentOutOfRangeException(nameof(operand), operand.GetType().Name, "Unknown operand.");
        }
    }

    private static CounterView? Counter(CustomerProfile profile, string type) =>
        Array.Find(profile.Counters, counter => string.Equals(counter.Type, type, StringComparison.Ordinal));

    private static WindowTotal Window(CounterView? counter, Window window) => counter is null ? default : window switch
    {
        Segments.Window.Hour => counter.LastHour,
        Segments.Window.Day => counter.LastDay,
        Segments.Window.Week => counter.LastWeek,
        Segments.Window.Month => counter.LastMonth,
        _ => counter.Total,
    };

    private static TimeSpan? Since(CustomerProfile profile, DateTimeOffset? at) =>
        at is { } moment ? (profile.AsOf - moment < TimeSpan.Zero ? TimeSpan.Zero : profile.AsOf - moment) : null;

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
        TextValue text => new TextLiteral(text.Text).ToString(),
        DurationValue { Since: null } => "never",
        DurationValue { Since: { } since } => since.TotalDays >= 1 ? $"{since.TotalDays.ToString("0.#", CultureInfo.InvariantCulture)}d ago"
            : since.TotalHours >= 1 ? $"{since.TotalHours.ToString("0.#", CultureInfo.InvariantCulture)}h ago"
            : $"{since.TotalMinutes.ToString("0", CultureInfo.InvariantCulture)}m ago",
        _ => "not set",
    };
}
