using ProfileGrid.Events;
using ProfileGrid.Segments;

namespace ProfileGrid.Customers;

/// <summary>One customer: owns the profile and the rolling behavioural counters. Key: the canonical customer id.</summary>
[Alias("pg.ICustomerGrain")]
public interface ICustomerGrain : IGrainWithStringKey
{
    /// <summary>
    /// Applies events once each and stores the result before returning. An event id is unique within its
    /// <paramref name="producer"/>: two producers' events with the same id are two events. If anything fails before
    /// the state is stored, the call throws and nothing of it remains, so a retry applies the events.
    /// The array is not copied for a call within a silo: neither side changes it once the call is made.
    /// </summary>
    [Alias("ApplyEvents")]
    Task<ApplyEventsResult> ApplyEvents(string producer, [Immutable] CustomerEvent[] events);

    /// <summary>The profile as of now, or null when nothing is known of this customer.</summary>
    [Alias("GetProfile"), Orleans.Concurrency.ReadOnly]
    Task<CustomerProfile?> GetProfile();

    /// <summary>
    /// Merges traits and consent, creating the profile if anything changes, and stores it before returning what
    /// changed. Traits and purposes past a bound of <see cref="CustomerLimits"/> are refused one by one. An
    /// <c>email</c> or <c>phone</c> trait links its identifier (and a replaced one is released): when another customer
    /// holds it, or the customer was erased, nothing changes and <see cref="TraitsResult.Conflict"/> says why.
    /// </summary>
    [Alias("MergeTraits")]
    Task<TraitsResult> MergeTraits(TraitPatch patch);

    /// <summary>
    /// Links identifiers, merges a profile in and merges traits, all or nothing: every identifier is claimed for
    /// this customer (and released again if any is another's, or the merge is refused), then the profile is merged,
    /// then the traits. Refused with a conflict, and nothing stored, when the customer was erased, when an identifier
    /// or the profile belongs to another customer, or when the customer holds as many identifiers as it may. Runs one
    /// at a time per customer with merges and erasure.
    /// </summary>
    [Alias("Identify")]
    Task<IdentifyResult> Identify(IdentifyRequest request);

    /// <summary>
    /// Subscribes a gateway (or renews its subscription, which expires unless renewed) and says which of its agents
    /// watch; returns the profile as of now, or null when nothing is known yet.
    /// </summary>
    [Alias("Watch")]
    Task<CustomerProfile?> Watch(ICustomerObserver observer, string[] viewers);

    [Alias("Unwatch")]
    Task Unwatch(ICustomerObserver observer);

    /// <summary>Everything stored about the customer (GDPR access), or null when nothing is (or after erasure).</summary>
    [Alias("Export"), Orleans.Concurrency.ReadOnly]
    Task<CustomerExport?> Export();

    /// <summary>
    /// Erases the customer (GDPR erasure): its stored row is replaced by a tombstone that keeps only the sequence
    /// number and the time of erasure, and every later event, trait, identify and merge for the customer is refused,
    /// so that a late retry cannot bring the data back. Then everything else goes: the rows of the profiles merged
    /// into it are deleted, every identifier it ever held is released from the index, and every segment's member set
    /// and the wake-up schedule forget it. What is left to do is kept in the tombstone until done, so erasing again
    /// completes an erasure a failure interrupted; after that, erasing again changes nothing. Erasing a profile that
    /// was merged into another erases that one (the person). Watchers are told.
    /// </summary>
    [Alias("EraseProfile")]
    Task EraseProfile();

    /// <summary>
    /// Evaluates the customer's segments as of now and stores and announces any entering or leaving (for time passing
    /// without events). For the segments a sweep names in <paramref name="backfill"/> (a back-fill or a
    /// reconciliation), also announces entering again if the customer is in them, even if unchanged, so that their
    /// member sets hold every customer stored before them. Each of those is evaluated with the definition it names or
    /// a later one: a customer whose silo holds an older one reads the definitions again (a redefined segment's
    /// back-fill must not evaluate its old rule). Version 2: version 1 took the names alone.
    /// </summary>
    [Alias("ReevaluateSegments.v2")]
    Task ReevaluateSegments(SegmentVersion[]? backfill);

    /// <summary>The segments the customer's stored state says it is in (for reconciling member sets with their customers).</summary>
    [Alias("StoredSegments"), Orleans.Concurrency.ReadOnly]
    Task<string[]> StoredSegments();

    /// <summary>
    /// A wake-up the customer registered is due (the wake-up scheduler calls it): evaluates its segments as of now,
    /// storing and announcing any entering or leaving, and registers its next wake-up if time alone can change one
    /// again. Returns once that is registered; safe to repeat.
    /// </summary>
    [Alias("Wake")]
    Task Wake();

    /// <summary>
    /// Merges the profile <paramref name="source"/> (e.g. <c>anon:7f3c…</c>) into this customer: counters, activity,
    /// first and last seen, channels, and the traits and consent purposes this customer lacks combine; the source's
    /// applied event ids travel along, so no event counts twice; the merge is recorded (when, <paramref name="by"/>
    /// whom, <paramref name="identifiers"/>). Calls to the source go to this customer from then on. Safe to repeat
    /// (a source merged already is not merged again), with events arriving at both meanwhile, and with another merge
    /// racing it (merges into one customer run one at a time; a source goes to one customer only). Returns the seq.
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// The source was merged into another customer or erased, or this customer was merged away or erased.
    /// </exception>
    [Alias("MergeFrom")]
    Task<long> MergeFrom(string source, string by, string[] identifiers);

    /// <summary>How many gateway subscriptions the customer holds now: for diagnostics.</summary>
    [Alias("GetSubscriptionCount"), Orleans.Concurrency.ReadOnly]
    Task<int> GetSubscriptionCount();
}
