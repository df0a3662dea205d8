using ProfileGrid.Counters;

namespace ProfileGrid.Segments;

/// <summary>
/// When time alone, without a new event, can next change a rule's answer for one customer. A comparison changes its
/// answer, exactly to the tick:
/// <list type="bullet">
/// <item>a count or sum over a window: when a slot with events leaves the window (<see cref="CustomerTimeline.SlotsIn"/>)
/// and the value left crosses the comparison (sums may rise: refunds are negative);</item>
/// <item><c>type.last</c>, <c>type.first</c>, <c>last_seen</c>, <c>first_seen</c>: when the time since crosses the duration (at it for
/// <c>&gt;=</c>, <c>&lt;</c>, <c>==</c> and <c>!=</c>, a tick after it for <c>&gt;</c> and <c>&lt;=</c>);</item>
/// <item><c>rfm.recency</c>: a tick after the days since the last purchase pass a threshold, when the score crosses;</item>
/// <item><c>clv.predicted</c>: the first tick at which the rounded forecast crosses, found by bisection over the next
/// <see cref="Horizon"/> (the forecast falls continuously once the customer is older than the minimum pace period,
/// and bisection is exact for a value that only moves one way).</item>
/// </list>
/// Totals, traits and the other scores do not move with time. For <c>and</c> and <c>or</c>, the rule changes no
/// earlier than the side that decides it: a side that makes <c>and</c> false (<c>or</c> true) and cannot change
/// decides it for good, so such a rule never changes by time; when both sides decide, both must change. The answer is
/// a lower bound: at that instant the rule may still answer the same (the customer is then asked again), never later.
/// </summary>
public static class RuleTiming
{
    /// <summary>How far ahead <c>clv.predicted</c> is searched for a crossing: as far as a rule's longest duration reaches.</summary>
    public static readonly TimeSpan Horizon = TimeSpan.FromDays(36500);

    /// <summary>Whether time alone may change the rule's answer for some customer: it reads a window other than the lifetime total, a time since, recency or the forecast.</summary>
    public static bool MovesWithTime(SegmentRule rule) => rule switch
    {
        AndRule and => MovesWithTime(and.Left) || MovesWithTime(and.Right),
        OrRule or => MovesWithTime(or.Left) || MovesWithTime(or.Right),
        NotRule not => MovesWithTime(not.Inner),
        Comparison comparison => comparison.Operand is CountOperand { Window: not Window.Total } or SumOperand { Window: not Window.Total } or LastOperand or FirstOperand
            or DerivedOperand { Name: "last_seen" or "first_seen" or "rfm.recency" or "clv.predicted" },
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule.GetType().Name, "Unknown rule."),
    };

    /// <summary>
    /// The earliest instant after <see cref="CustomerTimeline.Now"/> at which time alone may change the rule's answer
    /// for the customer; null when nothing can (the customer then needs no wake-up for this rule).
    /// </summary>
    /// <param name="holds">
    /// Whether a comparison that time does not move (a trait, a total, <c>tier</c>) holds now; lets an <c>and</c> that
    /// such a comparison keeps false be found unchanging. Without it, those comparisons may hold either way.
    /// </param>
    public static DateTimeOffset? NextChange(SegmentRule rule, CustomerTimeline customer, Func<Comparison, bool>? holds = null) =>
        Outlook(rule, customer, holds).Next;

    /// <summary>Whether the rule holds now (null: not known, a comparison left to <c>holds</c>), and when that may next change.</summary>
    private readonly record struct Prospect(bool? Holds, DateTimeOffset? Next);

    private static Prospect Outlook(SegmentRule rule, CustomerTimeline customer, Func<Comparison, bool>? holds) => rule switch
    {
        AndRule and => Join(Outlook(and.Left, customer, holds), Outlook(and.Right, customer, holds), deciding: false),
        OrRule or => Join(Outlook(or.Left, customer, holds), Outlook(or.Right, customer, holds), deciding: true),
        NotRule not => Negated(Outlook(not.Inner, customer, holds)),
        Comparison comparison => Of(comparison, customer) ?? new Prospect(holds?.Invoke(comparison), null),
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule.GetType().Name, "Unknown rule."),
    };

    private static Prospect Negated(Prospect inner) => new(!inner.Holds, inner.Next);

    /// <summary>
    /// <c>and</c> (<paramref name="deciding"/> false) or <c>or</c> (true). A side whose answer is the deciding one decides
    /// the rule until it changes, for good if it cannot; when both decide, the rule changes once both have.
    /// </summary>
    private static Prospect Join(Prospect left, Prospect right, bool deciding)
    {
        var (leftDecides, rightDecides) = (left.Holds == deciding, right.Holds == deciding);
        if ((leftDecides && left.Next is null) || (rightDecides && right.Next is null)) return new(deciding, null);
        if (leftDecides && rightDecides) return new(deciding, Later(left.Next, right.Next));
        if (leftDecides) return new(deciding, left.Next);
        if (rightDecides) return new(deciding, right.Next);
        bool? holds = left.Holds is { } l && right.Holds is { } r ? (deciding ? l || r : l && r) : null;
        return new(holds, Earlier(left.Next, right.Next));
    }

    /// <summary>A comparison time moves, with its answer now and its next change; null for one it does not move.</summary>
    private static Prospect? Of(Comparison comparison, CustomerTimeline customer) => (comparison.Operand, comparison.Value) switch
    {
        (CountOperand { Window: not Window.Total } count, NumberLiteral limit) =>
            Crossing(comparison.Op, limit.Value, Falling(customer.SlotsIn(count.Type, count.Window), static slot => slot.Count)),
        (SumOperand { Window: not Window.Total } sum, NumberLiteral limit) =>
            Crossing(comparison.Op, limit.Value, Falling(customer.SlotsIn(sum.Type, sum.Window), static slot => slot.Sum)),
        (LastOperand last, DurationLiteral duration) => Since(comparison.Op, duration.Value, customer.LastOf(last.Type), customer.Now),
        (FirstOperand first, DurationLiteral duration) => Since(comparison.Op, duration.Value, customer.FirstOf(first.Type), customer.Now),
        (DerivedOperand { Name: "last_seen" }, DurationLiteral duration) => Since(comparison.Op, duration.Value, customer.LastSeen, customer.Now),
        (DerivedOperand { Name: "first_seen" }, DurationLiteral duration) => Since(comparison.Op, duration.Value, customer.FirstSeen, customer.Now),
        (DerivedOperand { Name: "rfm.recency" }, NumberLiteral limit) => Crossing(comparison.Op, limit.Value, Recency(customer)),
        (DerivedOperand { Name: "clv.predicted" }, NumberLiteral limit) => Forecast(comparison.Op, limit.Value, customer),
        _ => null,
    };

    /// <summary>A window's value now, and after each instant at which slots leave it: the sum of the slots still in.</summary>
    private static (decimal Now, IEnumerable<(DateTimeOffset At, decimal Value)> Later) Falling(
        IReadOnlyList<(DateTimeOffset Leaves, Bucket Slot)> slots, Func<Bucket, decimal> of)
    {
        // Summed from the latest slot back: remaining[i] is the value once the slots before index i have left.
        var remaining = new decimal[slots.Count + 1];
        for (var i = slots.Count - 1; i >= 0; i--) remaining[i] = SaturatingSum.Add(remaining[i + 1], of(slots[i].Slot));
        return (remaining[0], Later());

        IEnumerable<(DateTimeOffset At, decimal Value)> Later()
        {
            for (var i = 0; i < slots.Count; i++)
            {
                // Slots that leave at the same instant leave together.
                if (i + 1 == slots.Count || slots[i + 1].Leaves != slots[i].Leaves) yield return (slots[i].Leaves, remaining[i + 1]);
            }
        }
    }

    /// <summary>The recency score now, and at each instant it drops: a tick after the days since the last purchase pass a threshold.</summary>
    private static (decimal Now, IEnumerable<(DateTimeOffset At, decimal Value)> Later) Recency(CustomerTimeline customer)
    {
        var now = customer.ScoresAt(customer.Now);
        return (now.Recency, Later());

        IEnumerable<(DateTimeOffset At, decimal Value)> Later()
        {
            if (now.LastPurchaseAt is not { } last) yield break;
            foreach (var days in customer.Value.RecencyDays.Order())
            {
                var drops = Add(last, TimeSpan.FromDays(days) + TimeSpan.FromTicks(1));
                if (drops > customer.Now) yield return (drops, customer.ScoresAt(drops).Recency);
            }
        }
    }

    /// <summary>The first of the later values, in time order, at which the comparison answers otherwise than it does now.</summary>
    private static Prospect Crossing(CompareOp op, decimal limit, (decimal Now, IEnumerable<(DateTimeOffset At, decimal Value)> Later) values)
    {
        var then = Holds(op, values.Now.CompareTo(limit));
        foreach (var (at, value) in values.Later)
        {
            if (Holds(op, value.CompareTo(limit)) != then) return new(then, at);
        }

        return new(then, null);
    }

    /// <summary>
    /// A time since <paramref name="at"/> (zero while <paramref name="at"/> is ahead; never: longer than any duration)
    /// against a duration: it reaches the duration at <c>at + duration</c> and passes it a tick later.
    /// </summary>
    private static Prospect Since(CompareOp op, TimeSpan duration, DateTimeOffset? at, DateTimeOffset now)
    {
        if (at is not { } start) return new(Holds(op, 1), null);
        var then = Holds(op, Elapsed(start, now).CompareTo(duration));
        var reaches = Add(start, duration);
        foreach (var instant in new[] { reaches, Add(reaches, TimeSpan.FromTicks(1)) })
        {
            if (instant > now && Holds(op, Elapsed(start, instant).CompareTo(duration)) != then) return new(then, instant);
        }

        return new(then, null);
    }

    /// <summary>The predicted value moves one way from the instant the customer is older than the minimum pace period: bisect for each change of its order against the limit.</summary>
    private static Prospect Forecast(CompareOp op, decimal limit, CustomerTimeline customer)
    {
        int Order(DateTimeOffset instant) => Math.Sign(customer.ScoresAt(instant).PredictedClv.CompareTo(limit));
        var now = customer.Now;
        var then = Holds(op, Order(now));
        var end = Add(now, Horizon);
        // The order against the limit moves one way, so it changes at most twice (above, equal, below).
        var from = now;
        for (var change = 0; change < 2 && Order(end) != Order(from); change++)
        {
            var (before, after) = (from, end);
            var order = Order(from);
            while (after.UtcTicks - before.UtcTicks > 1)
            {
                var middle = before.AddTicks((after.UtcTicks - before.UtcTicks) / 2);
                if (Order(middle) == order) before = middle;
                else after = middle;
            }

            if (Holds(op, Order(after)) != then) return new(then, after);
            from = after;
        }

        return new(then, null);
    }

    private static TimeSpan Elapsed(DateTimeOffset start, DateTimeOffset instant) => instant > start ? instant - start : TimeSpan.Zero;

    /// <summary>Adds without passing the end of the calendar (a stored instant may be far ahead).</summary>
    private static DateTimeOffset Add(DateTimeOffset instant, TimeSpan span) =>
        span.Ticks > DateTimeOffset.MaxValue.UtcTicks - instant.UtcTicks ? DateTimeOffset.MaxValue : instant + span;

    /// <summary>An operator applied to an order (negative: less, zero: equal, positive: greater), as rules compare.</summary>
    private static bool Holds(CompareOp op, int order) => op switch
    {
        CompareOp.Equal => order == 0,
        CompareOp.NotEqual => order != 0,
        CompareOp.Less => order < 0,
        CompareOp.LessOrEqual => order <= 0,
        CompareOp.Greater => order > 0,
        _ => order >= 0,
    };

    private static DateTimeOffset? Earlier(DateTimeOffset? left, DateTimeOffset? right) =>
        left is null ? right : right is null ? left : left < right ? left : right;

    private static DateTimeOffset? Later(DateTimeOffset? left, DateTimeOffset? right) =>
        left is null || right is null ? null : left > right ? left : right;
}
