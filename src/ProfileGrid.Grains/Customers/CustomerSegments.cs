using Microsoft.Extensions.Logging;
using ProfileGrid.Segments;

namespace ProfileGrid.Customers;

/// <summary>
/// One customer's segments: compares the rules as of now with the segments its state says it is in, and announces
/// entering and leaving to the segments' member sets once the state that holds them is stored. Announcements leave
/// in order, a segment's at a time, and are retried a few times; one that still fails is logged and repaired when
/// the customer is next evaluated with <c>reassert</c> (a back-fill or a reconciliation). Single-threaded like the grain that owns it.
/// </summary>
internal sealed partial class CustomerSegments(string customerId, IGrainFactory grains, ILogger logger)
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
        var evaluated = state.Exists ? profile() : null;
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
            bool matches;
            IReadOnlyList<string> reasons;
            try
            {
                (matches, reasons) = evaluated is null ? (false, []) : RuleEvaluator.Evaluate(segment.Rule, evaluated);
            }
            catch (Exception exception)
            {
                ContainedFailures.Report(logger, "segment", name, exception);
                if (was) names.Add(name);
                continue;
            }

            if (matches)
            {
                names.Add(name);
                if (!was || (reassert is not null && reassert.Contains(name, StringComparer.Ordinal)))
                    announce.Add(new MembershipChange(name, customerId, Entered: true, [.. reasons], now));
            }
            else if (was)
            {
                announce.Add(new MembershipChange(name, customerId, Entered: false, [], now, Erased: state.IsErased));
            }
        }

        string[] next = [.. names];
        var change = next.AsSpan().SequenceEqual(current) ? null : new SegmentsChange(next.Length == 0 ? null : next, now);
        return new SegmentReview(change, announce);
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
        while (_pending.Count > 0)
        {
            var batch = _pending.ToArray();
            _pending.Clear();
            foreach (var segment in batch.GroupBy(change => change.Segment, StringComparer.Ordinal))
            {
                await SendAsync(segment.Key, [.. segment]);
            }
        }
    }

    private async Task SendAsync(string segment, MembershipChange[] changes)
    {
        var shard = grains.For(segment, SegmentShards.Of(customerId));
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await shard.Update(changes);
                return;
            }
            catch (Exception) when (attempt < MaxAttempts)
            {
                await Task.Delay(RetryDelay * attempt);
            }
            catch (Exception exception)
            {
                LogAnnounceFailed(logger, exception, customerId, segment, MaxAttempts);
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message =
        "Telling segment {Segment} about customer {CustomerId} failed {Attempts} times; the next back-fill repairs its members")]
    private static partial void LogAnnounceFailed(ILogger logger, Exception exception, string customerId, string segment, int attempts);
}

/// <summary>A customer's segments reviewed: the change to store (null when none) and what to announce once stored.</summary>
internal sealed record SegmentReview(SegmentsChange? Change, IReadOnlyList<MembershipChange> Announce)
{
    public static readonly SegmentReview None = new(null, []);
}
