namespace ProfileGrid.Rules;

/// <summary>What a rule reads about a customer, as of <see cref="AsOf"/>: the grains adapt their profile to it.</summary>
public interface IRuleInput
{
    /// <summary>The moment the rule is evaluated at: durations since (<c>last_seen</c>, <c>type.last</c>) end here.</summary>
    DateTimeOffset AsOf { get; }

    /// <summary>A trait's value as JSON text; null when it is not set.</summary>
    string? Trait(string name);

    /// <summary>
    /// The type's events in the window: how many and the sum of their values; zero for a type never seen. For
    /// <see cref="Window.Year"/>, throws <see cref="InvalidOperationException"/> when the type's year is not kept (it is
    /// not a history type where the profile was read): never a count of the last month passed off as the year's.
    /// </summary>
    EventTotals Events(string type, Window window);

    /// <summary>The type's latest event, however old; null when it never happened.</summary>
    DateTimeOffset? LastAt(string type);

    /// <summary>The type's first event ever, however old; null when it never happened.</summary>
    DateTimeOffset? FirstAt(string type);

    /// <summary>The customer's first and latest events; null before any.</summary>
    DateTimeOffset? FirstSeen { get; }

    /// <inheritdoc cref="FirstSeen"/>
    DateTimeOffset? LastSeen { get; }

    /// <summary>
    /// The value scores; null when the customer has none, and then <c>clv</c>, <c>clv.predicted</c> and
    /// <c>orders</c> read 0, <c>rfm.*</c> 1 and <c>tier</c> is not set.
    /// </summary>
    RuleScores? Scores { get; }
}

/// <summary>How many events fell in a window and the sum of their values.</summary>
public readonly record struct EventTotals(long Count, decimal Sum);

/// <summary>The derived values a rule can name: <c>clv</c>, <c>clv.predicted</c>, <c>orders</c>, <c>rfm.*</c> and <c>tier</c>.</summary>
public sealed record RuleScores(decimal Clv, decimal PredictedClv, long Orders, int Recency, int Frequency, int Monetary, string Tier);
