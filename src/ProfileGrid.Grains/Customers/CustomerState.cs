using System.Text;
using ProfileGrid.Counters;
using ProfileGrid.Events;
using ProfileGrid.Identity;

namespace ProfileGrid.Customers;

/// <summary>Everything stored about one customer; the customer grain's persistent state.</summary>
[GenerateSerializer, Alias("pg.CustomerState")]
public sealed class CustomerState
{
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

    /// <summary>
    /// When, by whom and from where each consent flag was last set (flags set before this was kept have none); null
    /// until a flag is set, so that the many customers without consent pay nothing for it in memory.
    /// </summary>
    [Id(10)] public Dictionary<string, ConsentRecord>? ConsentRecords { get; set; }

    /// <summary>When the customer was erased (GDPR), as UTC ticks (0: not erased); kept as ticks, 8 bytes per customer.</summary>
    [Id(11)] public long ErasedTicks { get; set; }

    /// <summary>
    /// The segments the customer was in at the last write, by name in ordinal order; null for none (most customers).
    /// Derived from the rest, but stored, so that leaving is noticed however long the customer was away.
    /// </summary>
    [Id(12)] public string[]? Segments { get; set; }

    /// <summary>
    /// The customer this profile was merged into (an anonymous profile linked to a known customer): from then on the
    /// grain forwards every call there, and its data is dropped once the target stored it.
    /// </summary>
    [Id(13)] public string? MergedInto { get; set; }

    /// <summary>The profiles merged into this one, oldest first, at most <see cref="MaxMerges"/> (null for none).</summary>
    [Id(14)] public List<MergeRecord>? Merges { get; set; }

    public const int MaxMerges = 100;

    /// <summary>
    /// Every identifier the customer holds or held and every profile merged into it (null for none): what erasure
    /// releases and deletes, and what an export lists. Kept through erasure until erasure is done.
    /// </summary>
    [Id(15)] public IdentifierLedger? Identifiers { get; set; }

    /// <summary>The customer was erased and what lies outside its row (identifiers, merged profiles, member sets) is not all gone yet.</summary>
    [Id(16)] public bool ErasureOpen { get; set; }

    /// <summary>
    /// The segments whose entering or leaving (as <see cref="Segments"/> says) their member set has not confirmed yet,
    /// each with the instant of the change (UTC ticks) that the confirmation must name; null for none. Stored with the
    /// change, so that an announcement lost with the activation or the silo is sent again (<see cref="CustomerSegments"/>).
    /// </summary>
    [Id(17)] public Dictionary<string, long>? Unannounced { get; set; }

    /// <summary>
    /// When the customer is registered to be woken in the wake-up schedule (<see cref="CustomerWakeups"/>), as UTC
    /// ticks (0: never registered, or erased); an instant already past has been, or is being, used.
    /// </summary>
    [Id(20)] public long WakeupTicks { get; set; }

    /// <summary>
    /// A registration replaced after its instant passed (UTC ticks; 0 for none): the scheduler takes it and forgets it
    /// unless it lags behind, so erasure takes the customer out of that bucket too.
    /// </summary>
    [Id(21)] public long PassedWakeupTicks { get; set; }

    /// <summary>
    /// A registration on its way (UTC ticks; 0 for none): stored before the bucket holds the customer, so that an
    /// erasure finds the bucket whatever happens between (the activation ends, the store after it fails, the silo
    /// dies); cleared when the registration is recorded in <see cref="WakeupTicks"/>.
    /// </summary>
    [Id(23)] public long IntendedWakeupTicks { get; set; }

    /// <summary>
    /// When each trait was set by an import of past records (<see cref="TraitPatch.At"/>), as UTC ticks, so that an
    /// older imported value never replaces a newer one; null for customers no import gave traits (nearly all), so they
    /// pay nothing for it. A trait set live drops its entry: live values count as newer than any imported one.
    /// </summary>
    [Id(22)] public Dictionary<string, long>? TraitTimes { get; set; }

    /// <summary>
    /// The event types whose day slots the counters keep for a year (<see cref="HistoryTypes"/>). Not stored (it is the
    /// deployment's, not the customer's): whoever applies changes to the state or ages it sets it first, the grain from
    /// its segment catalog, a journal read and a replay from the definitions, so that replaying a write keeps what the
    /// write kept.
    /// </summary>
    public HistoryTypes History
    {
        get => _history;
        set => _history = value;
    }

    [NonSerialized]
    private HistoryTypes _history = HistoryTypes.None;

    /// <summary>When the customer was erased: the state is then a tombstone that refuses every change.</summary>
    public DateTimeOffset? ErasedAt => ErasedTicks == 0 ? null : new DateTimeOffset(ErasedTicks, TimeSpan.Zero);

    /// <summary>
    /// Whether anything is known of the customer: it holds profile data (events, traits, consent) or merged a profile
    /// in, and was not erased or merged away. Identifiers alone do not make a profile: a customer whose only writes
    /// were the ledger entries of an identify that was refused and gave them back is not known (nor evaluated for
    /// segments), so the refused call changed nothing one can see.
    /// </summary>
    public bool Exists => Seq > 0 && ErasedAt is null && MergedInto is null && (HoldsProfileData || Merges is not null);

    public bool IsErased => ErasedAt is not null;

    /// <summary>
    /// Forgets everything about the customer but its sequence number and when it was erased: traits, consent,
    /// counters, activity and the ids of applied events. What remains refuses events, traits and links from then on,
    /// so a late retry cannot bring personal data back. The identifier ledger stays until erasure is done
    /// (<see cref="CompleteErasure"/>): it is the list of what else to remove.
    /// </summary>
    public void Erase(DateTimeOffset at)
    {
        (Traits, Consent, FirstSeen, LastSeen, Channels) = (new(StringComparer.Ordinal), new(StringComparer.Ordinal), null, null, []);
        (Counters, Activity, AppliedEvents, ConsentRecords, Merges, TraitTimes) = (new(), new(), new(), null, null, null);
        if (ErasedTicks != 0) return;
        ErasedTicks = at.UtcTicks;
        ErasureOpen = true;
    }

    /// <summary>Everything outside the row is gone: the tombstone keeps only its sequence number and when it was erased.</summary>
    public void CompleteErasure() => (Identifiers, Segments, Unannounced, ErasureOpen) = (null, null, null, false);

    /// <summary>The customer's membership of <paramref name="segment"/> changed at <paramref name="atTicks"/>: to be announced.</summary>
    public void Unconfirmed(string segment, long atTicks) => (Unannounced ??= new(StringComparer.Ordinal))[segment] = atTicks;

    /// <summary>The member set of <paramref name="segment"/> confirmed the change made at <paramref name="atTicks"/> (not a later one).</summary>
    public void Confirmed(string segment, long atTicks)
    {
        if (Unannounced is null || !Unannounced.TryGetValue(segment, out var pending) || pending != atTicks) return;
        Unannounced.Remove(segment);
        if (Unannounced.Count == 0) Unannounced = null;
    }

    public void Apply(LedgerChange change) => (Identifiers ??= new()).Apply(change);

    /// <summary>Marks the profile as merged into <paramref name="target"/>; its data stays until <see cref="DropMerged"/>.</summary>
    public void MergeAway(string target) => MergedInto = target;

    /// <summary>
    /// Forgets the data of a profile merged away (the target stored it, its identifier ledger with it): only the seq
    /// and where it went remain.
    /// </summary>
    public void DropMerged()
    {
        (Traits, Consent, FirstSeen, LastSeen, Channels) = (new(StringComparer.Ordinal), new(StringComparer.Ordinal), null, null, []);
        (Counters, Activity, AppliedEvents, ConsentRecords, Merges, Identifiers, TraitTimes) = (new(), new(), new(), null, null, null, null);
    }

    /// <summary>Whether a profile merged away still holds data to drop (its identifier ledger too).</summary>
    public bool HoldsData => HoldsProfileData || Identifiers is { Count: > 0 };

    private bool HoldsProfileData => Counters.TypeCount > 0 || Traits.Count > 0 || Consent.Count > 0 || Activity.Count > 0 || AppliedEvents.Count > 0
        || FirstSeen is not null;

    /// <summary>
    /// Takes in the profile <paramref name="other"/> (merged into this one at <paramref name="at"/>): counts and sums
    /// add up bucket by bucket, the activity rings combine (newest kept), first and last seen widen, channels join,
    /// traits and consent purposes this customer lacks are taken (its own win; past a bound they are left out), and
    /// the other's applied event ids count as applied here, so no event is counted twice. Recorded in <see cref="Merges"/>.
    /// </summary>
    public void Absorb(CustomerState other, MergeRecord record)
    {
        var at = record.At;
        Compact(at);
        // The profile handed over ages by this customer's history types, not by whatever its own state was last told.
        other.History = History;
        other.Compact(at);
        Counters.Absorb(other.Counters, at, History);
        foreach (var customerEvent in other.Activity.Events) Activity.Add(customerEvent);
        if (other.FirstSeen is { } first && (FirstSeen is null || first < FirstSeen)) FirstSeen = first;
        if (other.LastSeen is { } last && (LastSeen is null || last > LastSeen)) LastSeen = last;
        foreach (var channel in other.Channels) AddChannel(channel);
        var traitBytes = TraitBytes();
        foreach (var (name, value) in other.Traits)
        {
            if (Traits.ContainsKey(name) || Traits.Count >= CustomerLimits.MaxTraits || traitBytes + Size(name, value) > CustomerLimits.MaxTraitBytes) continue;
            Traits[name] = value;
            traitBytes += Size(name, value);
        }

        foreach (var (purpose, granted) in other.Consent)
        {
            if (Consent.ContainsKey(purpose) || Consent.Count >= CustomerLimits.MaxConsentPurposes) continue;
            Consent[purpose] = granted;
            if (other.ConsentRecords?.GetValueOrDefault(purpose) is { } consentRecord) (ConsentRecords ??= new(StringComparer.Ordinal))[purpose] = consentRecord;
        }

        AppliedEvents.Absorb(other.AppliedEvents, at);
        (Identifiers ??= new()).Absorb(other.Identifiers, record.From, at.UtcTicks);
        var merges = Merges ??= [];
        merges.Add(record);
        if (merges.Count > MaxMerges) merges.RemoveAt(0);
    }

    /// <summary>Whether <paramref name="source"/> was merged into this customer (the ledger; the merge history for profiles merged before it was kept).</summary>
    public bool HasMerged(string source) => Identifiers?.HasMerged(source) == true || Merges?.Exists(merge => merge.From == source) == true;

    /// <summary>
    /// Applies each event that is new for its producer and within the rules, in order. The caller stores the state
    /// afterwards, or discards it if anything throws.
    /// </summary>
    public EventsApplied Apply(string producer, CustomerEvent[] events, DateTimeOffset now)
    {
        var result = new EventsApplied(events.Length);
        var scope = IdempotencyLog.ScopeOf(producer);
        for (var i = 0; i < events.Length; i++)
        {
            var customerEvent = events[i];
            if (Refusal(customerEvent, now) is { } error) result.Reject(i, error);
            else if (!AppliedEvents.TryAdd(scope, customerEvent.Id, now)) result.Outcomes[i] = EventOutcome.Duplicate;
            else
            {
                Apply(customerEvent, now);
                result.Accept(i, customerEvent);
            }
        }

        return result;
    }

    /// <summary>Applies one event; the caller has checked that it is new and within the rules.</summary>
    public void Apply(CustomerEvent customerEvent, DateTimeOffset now)
    {
        EventLimits.TryNormalizeValue(customerEvent.Value ?? 0m, out var value);
        Counters.Record(customerEvent.Type, customerEvent.Timestamp, value, now, History);
        Activity.Add(customerEvent);
        if (FirstSeen is null || customerEvent.Timestamp < FirstSeen) FirstSeen = customerEvent.Timestamp;
        if (LastSeen is null || customerEvent.Timestamp > LastSeen) LastSeen = customerEvent.Timestamp;
        if (customerEvent.Channel is { } channel) AddChannel(channel);
    }

    /// <summary>
    /// Sets and removes traits and consent flags one by one, refusing those past a bound. A consent flag set is
    /// recorded with the patch's original time if it has one, else <paramref name="at"/> (the change's time, which
    /// the journal replays), and the patch's producer and source. A patch with an original time (an import) leaves
    /// alone every trait and flag set later, or set live.
    /// </summary>
    public TraitsMerged Merge(TraitPatch patch, DateTimeOffset at = default)
    {
        var result = new TraitsMerged();
        if (IsErased)
        {
            foreach (var name in patch.Traits.Keys.Concat(patch.Consent.Keys)) result.Rejected.Add(new TraitRejection(name, CustomerLimits.ErasedRule));
            return result;
        }

        var traitBytes = TraitBytes();
        foreach (var (name, value) in patch.Traits)
        {
            var old = Traits.GetValueOrDefault(name);
            if (value == old || (patch.At is { } original && SetAfter(name, old, original))) continue;
            var grows = Size(name, value) - Size(name, old);
            if (value is not null && old is null && Traits.Count >= CustomerLimits.MaxTraits)
                result.Rejected.Add(new TraitRejection(name, CustomerLimits.TraitsRule));
            else if (grows > 0 && traitBytes + grows > CustomerLimits.MaxTraitBytes)
                result.Rejected.Add(new TraitRejection(name, CustomerLimits.TraitBytesRule));
            else
            {
                if (value is null) Traits.Remove(name);
                else Traits[name] = value;
                if (patch.At is { } setAt) (TraitTimes ??= new(StringComparer.Ordinal))[name] = setAt.UtcTicks;
                else if (TraitTimes?.Remove(name) == true && TraitTimes.Count == 0) TraitTimes = null;
                traitBytes += grows;
                result.Traits.Add(name);
            }
        }

        foreach (var (purpose, granted) in patch.Consent)
        {
            var known = Consent.TryGetValue(purpose, out var old);
            if (known && old == granted) continue;
            // A flag without a record was set before records were kept: older than nothing an import brings.
            if (known && patch.At is { } original && (ConsentRecords?.GetValueOrDefault(purpose) is not { } record || record.At > original)) continue;
            if (!known && Consent.Count >= CustomerLimits.MaxConsentPurposes)
            {
                result.Rejected.Add(new TraitRejection(purpose, CustomerLimits.ConsentRule));
                continue;
            }

            Consent[purpose] = granted;
            (ConsentRecords ??= new(StringComparer.Ordinal))[purpose] = new ConsentRecord(granted, patch.At ?? at, patch.By, patch.Source);
            result.Consent.Add(purpose);
        }

        return result;
    }

    /// <summary>Ages the state before it is stored: rolls counter slots (by <see cref="History"/>) and forgets old event ids.</summary>
    public void Compact(DateTimeOffset now)
    {
        Counters.Compact(now, History);
        AppliedEvents.Trim(now);
    }

    /// <summary>
    /// The profile as of <paramref name="now"/>, with value scores by <paramref name="value"/> (else the defaults). Scores
    /// that fail to compute are left out (<see cref="ContainedFailures"/>): the rest of the profile still shows.
    /// </summary>
    /// <param name="withActivity">False leaves the recent activity out (for evaluating rules, which do not read it).</param>
    /// <param name="logger">Where a contained failure is logged.</param>
    public CustomerProfile ToProfile(string customerId, DateTimeOffset now, ValueOptions? value = null, bool withActivity = true, Microsoft.Extensions.Logging.ILogger? logger = null)
    {
        var counters = Counters.View(now, History);
        ValueScores? scores;
        try
        {
            scores = ValueScoring.Score(value ?? new ValueOptions(), counters, FirstSeen, now);
        }
        catch (Exception exception)
        {
            ContainedFailures.Report(logger, "value", "scores", exception);
            scores = null;
        }

        return new(
            customerId,
            Seq,
            now,
            new Dictionary<string, string>(Traits, StringComparer.Ordinal),
            new Dictionary<string, bool>(Consent, StringComparer.Ordinal),
            FirstSeen,
            LastSeen,
            [.. Channels],
            counters,
            withActivity ? [.. Activity.Events] : [],
            scores,
            ConsentRecords is null ? null : new Dictionary<string, ConsentRecord>(ConsentRecords, StringComparer.Ordinal),
            Merges is null ? null : [.. Merges]);
    }

    private string? Refusal(CustomerEvent customerEvent, DateTimeOffset now)
    {
        if (IsErased) return CustomerLimits.ErasedRule;
        if (EventRefusal(customerEvent, now) is { } refused) return refused;
        if (Counters.TypeCount >= CustomerLimits.MaxEventTypes && !Counters.Has(customerEvent.Type)) return CustomerLimits.EventTypesRule;
        return null;
    }

    /// <summary>What the rules refuse of the event itself, whichever profile it goes to (checked before it can be a duplicate).</summary>
    public static string? EventRefusal(CustomerEvent customerEvent, DateTimeOffset now)
    {
        if (customerEvent.Timestamp > now + EventLimits.MaxFutureSkew) return EventLimits.FutureRule;
        if (customerEvent.Timestamp < EventLimits.MinTimestamp) return EventLimits.TimestampRule;
        if (customerEvent.Value is { } value && !EventLimits.TryNormalizeValue(value, out _)) return EventLimits.ValueRule;
        return null;
    }

    /// <summary>Whether the trait holds a value set after <paramref name="original"/>: later by an import, or live (no time kept).</summary>
    private bool SetAfter(string name, string? current, DateTimeOffset original) =>
        TraitTimes?.TryGetValue(name, out var setTicks) == true ? setTicks > original.UtcTicks : current is not null;

    private int TraitBytes()
    {
        var bytes = 0;
        foreach (var (name, value) in Traits) bytes += Size(name, value);
        return bytes;
    }

    private static int Size(string name, string? value) =>
        value is null ? 0 : Encoding.UTF8.GetByteCount(name) + Encoding.UTF8.GetByteCount(value);

    private void AddChannel(string channel)
    {
        var at = Channels.BinarySearch(channel, StringComparer.Ordinal);
        if (at >= 0 || Channels.Count >= CustomerLimits.MaxChannels) return;
        Channels.Insert(~at, channel);
    }
}
