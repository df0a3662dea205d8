using Microsoft.Extensions.Logging;
using ProfileGrid.Segments;

namespace ProfileGrid.Customers;

/// <summary>
/// One customer's segments: compares the rules as of now with the segments its state says it is in, and announces
/// entering and leaving to the segments' member sets once the state that holds them is stored. The state records
/// each change as unannounced (<see cref="CustomerState.Unannounced"/>) in the same write, and a member set's
/// confirmation clears it (<paramref name="confirmed"/>, stored with the next write), so an announcement is durable:
/// one the activation or its silo lost on the way is sent again from the state (<see cref="Unsent"/>) when the
/// customer is next read or woken. Announcements leave in order, a segment's at a time, and are retried a few times;
/// once all that is queued has been tried, any that still failed calls <paramref name="failed"/> (the grain asks to be
/// woken to send them again). Member sets take
/// an announcement again without harm. Single-threaded like the grain that owns it.
/// </summary>
internal sealed partial class CustomerSegments(string customerId, IGrainFactory grains, ILogger logger, Action<MembershipChange> confirmed, Action failed)
{
    private const int MaxAttempts = 4;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(250);

    private readonly List<MembershipChange> _pending = [];
    private Task? _announcing;

    /// <summary>Whether announcements are still being sent (the grain keeps its helper until they are).</summary>
    public bool Idle => _announcing is null || _announcing.IsCompleted;

    /// <summary>
    /// What the rules say now against what <paramref name="state"/> holds. A segment this process does not know (yet)
    /// keeps its members. Announces entering and leaving, and staying in the segments <paramref name="reassert"/> names.
    /// Time passing is noticed when the customer is woken (<see cref="CustomerWakeups"/>), which reviews it again.
    /// </summary>
    /// <remarks>
    /// A rule that throws for this customer is not evaluable for it: the customer stays in or out of that segment as
    /// stored, nothing is announced, and the failure is contained (<see cref="ContainedFailures"/>).
    /// </remarks>
    public static SegmentReview Review(
        string customerId,
        CustomerState state, Func<CustomerProfile> profile, IReadOnlyList<Segment> segments, DateTimeOffset now, string[]? reassert,
        ILogger? logger = null)
    {
        var current = state.Segments ?? [];
        if (segments.Count == 0 && current.Length == 0) return SegmentReview.None;
        var evaluated = state.Exists ? new ProfileRuleInput(profile()) : null;
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var name in current)
        {
            if (!segments.Any(segment => segment.Definition.Name == name)) names.Add(name);
        }

        var announce = new List<MembershipChange>();
        foreach (var segment in segments)
        {
            var name = segment.Definition.Name;
            var was = Array.BinarySearch(current, name, StringComparer.Ordinal) >= 0;
            RuleOutcome outcome;
            try
            {
                outcome = evaluated is null ? RuleOutcome.NotMet : RuleEvaluator.Evaluate(segment.Rule, evaluated);
            }
            catch (Exception exception)
            {
                ContainedFailures.Report(logger, "segment", name, exception);
                if (was) names.Add(name);
                continue;
            }

            var (matches, reasons) = outcome;
            if (matches)
            {
                names.Add(name);
                if (!was || (reassert is not null && reassert.Contains(name, StringComparer.Ordinal)))
                    announce.Add(new MembershipChange(name, customerId, Entered: true, [.. reasons.Select(reason => reason.ToString())], now));
            }
            else if (was)
            {
                announce.Add(new MembershipChange(name, customerId, Entered: false, [], now, Erased: state.IsErased));
            }
        }

        string[] next = [.. names];
        string[] changed = [.. announce.Where(change => Array.BinarySearch(current, change.Segment, StringComparer.Ordinal) >= 0 != change.Entered).Select(change => change.Segment)];
        var segmentsChange = next.AsSpan().SequenceEqual(current) ? null : new SegmentsChange(next.Length == 0 ? null : next, now, changed.Length == 0 ? null : changed);
        return new SegmentReview(segmentsChange, announce);
    }

    /// <summary>The announcements <paramref name="state"/> says were never confirmed: to send again (a member set takes them again without harm).</summary>
    public static IReadOnlyList<MembershipChange> Unsent(string customerId, CustomerState state)
    {
        if (state.Unannounced is not { Count: > 0 } unannounced) return [];
        var segments = state.Segments ?? [];
        return
        [
            .. unannounced.Select(pair => new MembershipChange(pair.Key, customerId,
                Entered: Array.BinarySearch(segments, pair.Key, StringComparer.Ordinal) >= 0, [], new DateTimeOffset(pair.Value, TimeSpan.Zero))),
        ];
    }

    /// <summary>Sends the changes to their segments' shards, after those queued before them.</summary>
    public void Announce(IReadOnlyList<MembershipChange> changes)
    {
        if (changes.Count == 0) return;
        _pending.AddRange(changes);
        if (_announcing is null || _announcing.IsCompleted) _announcing = AnnounceAsync();
    }

    private async Task AnnounceAsync()
    {
        var failures = 0;
        while (_pending.Count > 0)
        {
            var batch = _pending.ToArray();
            _pending.Clear();
            foreach (var segment in batch.GroupBy(change => change.Segment, StringComparer.Ordinal))
            {
                if (!await SendAsync(segment.Key, [.. segment])) failures++;
            }
        }

        // Once nothing more is on its way: the grain asks to be woken to send what failed again.
        if (failures > 0) failed();
    }

    /// <returns>Whether the member set took the changes.</returns>
    private async Task<bool> SendAsync(string segment, MembershipChange[] changes)
    {
        var shard = grains.For(segment, SegmentShards.Of(customerId));
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await shard.Update(changes);
                foreach (var change in changes) confirmed(change);
                return true;
            }
            catch (Exception) when (attempt < MaxAttempts)
            {
                await Task.Delay(RetryDelay * attempt);
            }
            catch (Exception exception)
            {
                LogAnnounceFailed(logger, exception, customerId, segment, MaxAttempts);
                return false;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message =
        "Telling segment {Segment} about customer {CustomerId} failed {Attempts} times; it is sent again when the customer is next read or woken")]
    private static partial void LogAnnounceFailed(ILogger logger, Exception exception, string customerId, string segment, int attempts);
}

/// <summary>A customer's segments reviewed: the change to store (null when none) and what to announce once stored.</summary>
internal sealed record SegmentReview(SegmentsChange? Change, IReadOnlyList<MembershipChange> Announce)
{
    public static readonly SegmentReview None = new(null, []);
}
