namespace ProfileGrid.Simulation.Tests.Model;

/// <summary>
/// The reference model of one history: plain collections that say what the grid must hold after each operation,
/// written from the documented behaviour (README, docs/segments.md, docs/sending-events.md), not from the grains.
/// Profiles are keyed as the grid keys them (a customer id, or <c>anon:{id}</c>); identifiers as <c>type:value</c>.
/// </summary>
public sealed class ReferenceModel(IReadOnlyList<string> profiles)
{
    /// <summary>How long a retried event id is recognised for sure (the log keeps a day; the history never retries near that edge).</summary>
    public static readonly TimeSpan RetryWindow = TimeSpan.FromHours(23);

    /// <summary>How far ahead of the clock an event may be.</summary>
    public static readonly TimeSpan MaxFutureSkew = TimeSpan.FromMinutes(5);

    private readonly Dictionary<string, ModelProfile> _profiles = profiles.ToDictionary(key => key, key => new ModelProfile(key), StringComparer.Ordinal);

    /// <summary>Identifier → the profile key its index row names.</summary>
    public Dictionary<string, string> Owners { get; } = new(StringComparer.Ordinal);

    public ModelProfile Profile(string key) => _profiles[key];

    public IEnumerable<ModelProfile> Profiles => _profiles.Values;

    /// <summary>The profile calls for <paramref name="key"/> land on: itself, or the customer it was merged into (transitively).</summary>
    public ModelProfile Target(string key)
    {
        var profile = _profiles[key];
        while (profile.MergedInto is { } into) profile = _profiles[into];
        return profile;
    }

    public EventAnswer ApplyEvent(string key, string producer, string id, ModelEvent customerEvent, DateTimeOffset now)
    {
        var target = Target(key);
        if (target.Erased) return EventAnswer.Rejected;
        if (customerEvent.Timestamp > now + MaxFutureSkew) return EventAnswer.Rejected;
        if (target.Applied.TryGetValue((producer, id), out var appliedAt) && now - appliedAt < RetryWindow) return EventAnswer.Duplicate;
        target.Applied[(producer, id)] = now;
        target.Events.Add(customerEvent);
        return EventAnswer.Accepted;
    }

    /// <summary>
    /// Whether retrying <paramref name="id"/> now has an answer the model can be sure of: the id was never applied
    /// where it lands, or was applied within <see cref="RetryWindow"/> (past it, the grid's log may or may not have
    /// forgotten it yet).
    /// </summary>
    public bool RetryIsDecided(string key, string producer, string id, DateTimeOffset now) =>
        !Target(key).Applied.TryGetValue((producer, id), out var appliedAt) || now - appliedAt < RetryWindow;

    /// <summary>
    /// An identify of <paramref name="customer"/> (or a trait write with an email): link the identifiers, merge the
    /// profile, merge the traits; all of it, or nothing and a conflict.
    /// </summary>
    /// <returns>Null when it took effect, else why not.</returns>
    public string? Identify(string customer, string? merge, IReadOnlyList<string> identifiers, Dictionary<string, string?> traits, Dictionary<string, bool> consent, bool traitsOnly)
    {
        var target = Target(customer);
        if (target.Erased)
        {
            // A trait write to an erased customer is refused trait by trait: nothing changes either way.
            return traitsOnly ? null : "erased";
        }

        var wanted = new List<string>();
        if (merge is not null && merge.StartsWith("anon:", StringComparison.Ordinal)) wanted.Add(merge);
        wanted.AddRange(identifiers);
        if (traits.TryGetValue("email", out var email) && email is not null) wanted.Add(EmailKey(email));
        foreach (var identifier in wanted)
        {
            if (Owners.TryGetValue(identifier, out var owner) && Target(owner) != target) return $"'{identifier}' belongs to another customer";
        }

        if (merge is not null && !target.Merged.Contains(merge))
        {
            var source = _profiles[merge];
            if (source == target) return "a customer cannot be merged into itself";
            if (source.MergedInto is not null) return "merged into another customer";
            if (source.Erased) return "erased";
        }

        foreach (var identifier in wanted) Owners.TryAdd(identifier, target.Key);
        if (merge is not null && !target.Merged.Contains(merge)) Merge(_profiles[merge], target);
        MergeTraits(target, traits, consent);
        return null;
    }

    /// <summary>A trait and consent write with no email or phone: merges, creating the profile, unless the customer was erased.</summary>
    public void MergeTraits(string key, Dictionary<string, string?> traits, Dictionary<string, bool> consent)
    {
        var target = Target(key);
        if (!target.Erased) MergeTraits(target, traits, consent);
    }

    /// <summary>
    /// Erases the customer a key lands on: its data goes, the profiles merged into it are deleted (they start afresh),
    /// every identifier it or they held is released, and it refuses everything from then on.
    /// </summary>
    /// <returns>The markers that must no longer be stored anywhere: the identifiers released and the profiles deleted.</returns>
    public IReadOnlyList<string> Erase(string key)
    {
        var target = Target(key);
        if (target.Erased) return [];
        var gone = new HashSet<string>(target.Merged, StringComparer.Ordinal) { target.Key };
        var released = Owners.Where(pair => gone.Contains(pair.Value)).Select(pair => pair.Key).ToList();
        foreach (var identifier in released) Owners.Remove(identifier);
        string[] markers = [.. released, .. target.FormerIdentifiers, .. gone.Where(profile => profile != target.Key)];
        foreach (var merged in target.Merged) _profiles[merged] = new ModelProfile(merged);
        target.Erase();
        return markers;
    }

    /// <summary>Whether the profile at <paramref name="key"/> meets <paramref name="rule"/> now (only a known, live profile can).</summary>
    public bool IsMember(ModelRule rule, string key, DateTimeOffset now)
    {
        var profile = _profiles[key];
        return profile.Exists && rule.Holds(profile, now);
    }

    private static void Merge(ModelProfile source, ModelProfile target)
    {
        target.Events.AddRange(source.Events);
        foreach (var (applied, at) in source.Applied) target.Applied.TryAdd(applied, at);
        foreach (var (name, value) in source.Traits) target.Traits.TryAdd(name, value);
        foreach (var (purpose, granted) in source.Consent) target.Consent.TryAdd(purpose, granted);
        target.Merged.Add(source.Key);
        target.Merged.UnionWith(source.Merged);
        target.FormerIdentifiers.UnionWith(source.FormerIdentifiers);
        target.MergedAny = true;
        source.DropMerged(target.Key);
    }

    private void MergeTraits(ModelProfile target, Dictionary<string, string?> traits, Dictionary<string, bool> consent)
    {
        var before = target.Traits.GetValueOrDefault("email");
        foreach (var (name, value) in traits)
        {
            if (value is null) target.Traits.Remove(name);
            else target.Traits[name] = value;
        }

        foreach (var (purpose, granted) in consent) target.Consent[purpose] = granted;
        var after = target.Traits.GetValueOrDefault("email");
        if (before is null || before == after) return;
        // A replaced email is released and kept as a former identifier of the customer.
        var former = EmailKey(before);
        if (Owners.TryGetValue(former, out var owner) && Target(owner) == target) Owners.Remove(former);
        target.FormerIdentifiers.Add(former);
    }

    /// <summary>The identifier an email trait's JSON value holds.</summary>
    public static string EmailKey(string json) => "email:" + System.Text.Json.JsonSerializer.Deserialize<string>(json)!.Trim().ToLowerInvariant();
}

public enum EventAnswer { Accepted, Duplicate, Rejected }

/// <summary>An event as it counts: its type, when it happened, its value.</summary>
public sealed record ModelEvent(string Type, DateTimeOffset Timestamp, decimal Value, string Marker);
