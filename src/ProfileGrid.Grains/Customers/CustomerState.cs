using ProfileGrid.Counters;
using ProfileGrid.Events;

namespace ProfileGrid.Customers;

/// <summary>Everything stored about one customer; the customer grain's persistent state.</summary>
[GenerateSerializer, Alias("pg.CustomerState")]
public sealed class CustomerState
{
    public const int MaxChannels = 32;

    /// <summary>One more for every change; zero while nothing is known of the customer.</summary>
    [Id(0)] public long Seq { get; set; }

    [Id(1)] public Dictionary<string, string> Traits { get; set; } = new(StringComparer.Ordinal);

    [Id(2)] public Dictionary<string, bool> Consent { get; set; } = new(StringComparer.Ordinal);

    [Id(3)] public DateTimeOffset? FirstSeen { get; set; }

    [Id(4)] public DateTimeOffset? LastSeen { get; set; }

    [Id(5)] public List<string> Channels { get; set; } = [];

    [Id(6)] public RollingCounters Counters { get; set; } = new();

    [Id(7)] public ActivityLog Activity { get; set; } = new();

    [Id(8)] public IdempotencyLog AppliedEvents { get; set; } = new();

    public bool Exists => Seq > 0;

    /// <summary>Applies one event; the caller has checked that it is new and not from the future.</summary>
    public void Apply(CustomerEvent customerEvent, DateTimeOffset now)
    {
        Counters.Record(customerEvent.Type, customerEvent.Timestamp, customerEvent.Value ?? 0m, now);
        Activity.Add(customerEvent);
        if (FirstSeen is null || customerEvent.Timestamp < FirstSeen) FirstSeen = customerEvent.Timestamp;
        if (LastSeen is null || customerEvent.Timestamp > LastSeen) LastSeen = customerEvent.Timestamp;
        if (customerEvent.Channel is { } channel) AddChannel(channel);
    }

    /// <returns>True when the patch changed anything.</returns>
    public bool Merge(TraitPatch patch)
    {
        var changed = false;
        foreach (var (name, value) in patch.Traits)
        {
            if (value is null) changed |= Traits.Remove(name);
            else if (!Traits.TryGetValue(name, out var old) || old != value)
            {
                Traits[name] = value;
                changed = true;
            }
        }

        foreach (var (purpose, granted) in patch.Consent)
        {
            if (Consent.TryGetValue(purpose, out var old) && old == granted) continue;
            Consent[purpose] = granted;
            changed = true;
        }

        return changed;
    }

    /// <summary>Ages the state before it is stored: rolls counter slots and forgets old event ids.</summary>
    public void Compact(DateTimeOffset now)
    {
        Counters.Compact(now);
        AppliedEvents.Trim(now);
    }

    public CustomerProfile ToProfile(string customerId, DateTimeOffset now) => new(
        customerId,
        Seq,
        now,
        new Dictionary<string, string>(Traits, StringComparer.Ordinal),
        new Dictionary<string, bool>(Consent, StringComparer.Ordinal),
        FirstSeen,
        LastSeen,
        [.. Channels],
        Counters.View(now),
        [.. Activity.Events]);

    private void AddChannel(string channel)
    {
        var at = Channels.BinarySearch(channel, StringComparer.Ordinal);
        if (at >= 0 || Channels.Count >= MaxChannels) return;
        Channels.Insert(~at, channel);
    }
}
