namespace ProfileGrid.Gateway.Ingestion;

/// <summary>
/// A request whose events were stored for some customers and not for others, because the calls to those failed. The
/// answer (<see cref="Problems.PartlyStoredProblem"/>) lists which, by index, so that a producer never reads "nothing
/// was stored" when something was, and knows that retrying the whole request is safe: the events stored then count
/// as duplicates. Thrown only when something was stored; a request that stored nothing fails with its call's own
/// exception, as before.
/// </summary>
internal sealed class PartlyStoredException : Exception
{
    public PartlyStoredException(List<StoredEvent> stored, List<UnstoredEvent> notStored, List<EventRejection> rejected, Exception failure)
        : base($"{stored.Count} of the request's events were stored and {notStored.Count} were not.", failure)
    {
        stored.Sort(static (a, b) => a.Index.CompareTo(b.Index));
        notStored.Sort(static (a, b) => a.Index.CompareTo(b.Index));
        rejected.Sort(static (a, b) => a.Index.CompareTo(b.Index));
        (Stored, NotStored, Rejected) = (stored, notStored, rejected);
    }

    public List<StoredEvent> Stored { get; }

    public List<UnstoredEvent> NotStored { get; }

    /// <summary>The events refused as invalid, as a <c>202</c> would have listed them.</summary>
    public List<EventRejection> Rejected { get; }

    /// <summary>The first failed call's exception: it decides whether the answer is a 503 (retry soon) or a 500.</summary>
    public Exception Failure => InnerException!;

    /// <summary>The failure behind <paramref name="exception"/>: the call's own when the request was stored in part.</summary>
    public static Exception CauseOf(Exception exception) => exception is PartlyStoredException partial ? partial.Failure : exception;

    /// <summary>The same request with more of it stored before (the identify calls of a Segment batch).</summary>
    public PartlyStoredException With(List<StoredEvent> before) => new([.. before, .. Stored], NotStored, Rejected, Failure);
}

/// <summary>An event stored by a request that failed part-way, by its position: <c>accepted</c> (new) or <c>duplicate</c> (stored before).</summary>
public sealed record StoredEvent(int Index, string Id, string Outcome)
{
    public const string Accepted = "accepted";
    public const string Duplicate = "duplicate";
}

/// <summary>An event that a request which failed part-way did not store, by its position.</summary>
public sealed record UnstoredEvent(int Index, string Id);
