namespace ProfileGrid.Simulation.Tests.Model;

/// <summary>A segment rule of the simulation, as the rule language would have it say, and the model's own reading of it.</summary>
public sealed record ModelRule(string Text, Func<ModelProfile, DateTimeOffset, bool> Holds)
{
    /// <summary>Events of a type whose slot is within the last hour (the current minute and the 59 before it).</summary>
    private static int InLastHour(ModelProfile profile, string type, DateTimeOffset now) =>
        profile.Events.Count(e => e.Type == type && Math.Floor((e.Timestamp - DateTimeOffset.UnixEpoch).TotalMinutes) >= Math.Floor((now - DateTimeOffset.UnixEpoch).TotalMinutes) - 59);

    public static readonly ModelRule Buyer = new("purchase.total >= 1", (p, _) => p.Events.Any(e => e.Type == "purchase"));

    public static readonly ModelRule Browsing = new("page_view.1h >= 2", (p, now) => InLastHour(p, "page_view", now) >= 2);

    public static readonly ModelRule LookedNotBought = new(
        "purchase.1h == 0 and page_view.total >= 1", (p, now) => InLastHour(p, "purchase", now) == 0 && p.Events.Any(e => e.Type == "page_view"));

    public static readonly ModelRule Gold = new("trait.plan == \"gold\"", (p, _) => p.Traits.GetValueOrDefault("plan") == "\"gold\"");

    /// <summary>Revenue net of refunds, never below zero, at least 50.</summary>
    public static readonly ModelRule Valuable = new("clv >= 50", (p, _) => Math.Max(0m, p.Events.Where(e => e.Type == "purchase").Sum(e => e.Value)) >= 50m);

    /// <summary>
    /// A history type's year and first event: at least two purchases in the 365-day window, the first purchase ever more
    /// than 100 days ago. Time moves it both ways: a purchase leaves the year, the first one passes 100 days.
    /// </summary>
    public static readonly ModelRule Loyal = new(
        "purchase.365d >= 2 and purchase.first > 100d",
        (p, now) => p.InLastYear("purchase", now) >= 2 && p.Events.Where(e => e.Type == "purchase").Min(e => (DateTimeOffset?)e.Timestamp) is { } first && now - first > TimeSpan.FromDays(100));

    public override string ToString() => Text;
}
