using System.Globalization;

namespace ProfileGrid.Cluster.Tests.Infrastructure;

/// <summary>What the producers saw around a fault injected at <see cref="FaultAt"/>, on the load's clock.</summary>
internal sealed class FaultTimeline(IReadOnlyCollection<Attempt> attempts, TimeSpan faultAt)
{
    public TimeSpan FaultAt => faultAt;

    /// <summary>Failed attempts answered after the fault.</summary>
    public IReadOnlyList<Attempt> ErrorsAfterFault { get; } =
        attempts.Where(a => !a.Acknowledged && a.Answered >= faultAt).OrderBy(a => a.Answered).ToList();

    /// <summary>Failed attempts answered before the fault (a healthy cluster should have none).</summary>
    public int ErrorsBeforeFault { get; } = attempts.Count(a => !a.Acknowledged && a.Answered < faultAt);

    public TimeSpan? FirstError => ErrorsAfterFault.Count > 0 ? ErrorsAfterFault[0].Answered : null;

    public TimeSpan? LastError => ErrorsAfterFault.Count > 0 ? ErrorsAfterFault[^1].Answered : null;

    /// <summary>First error to last error after the fault: how long the gateway answered with errors.</summary>
    public TimeSpan ErrorWindow => LastError - FirstError ?? TimeSpan.Zero;

    /// <summary>The first 202 answered after the fault.</summary>
    public TimeSpan? FirstAcknowledgement => attempts.Where(a => a.Acknowledged && a.Answered >= faultAt).Select(a => (TimeSpan?)a.Answered).Min();

    /// <summary>The longest time after the fault in which no 202 was answered at all (requests failing or hanging).</summary>
    public TimeSpan LongestSilence
    {
        get
        {
            var times = attempts.Where(a => a.Acknowledged && a.Answered >= faultAt).Select(a => a.Answered).Order().Prepend(faultAt).ToList();
            return times.Zip(times.Skip(1), (before, after) => after - before).DefaultIfEmpty().Max();
        }
    }

    /// <summary>The slowest answer (202 or error) to a request in flight at or sent after the fault.</summary>
    public TimeSpan SlowestAnswer =>
        attempts.Where(a => a.Answered >= faultAt).Select(a => a.Answered - a.Sent).DefaultIfEmpty().Max();

    /// <summary>Failed attempts answered in [<paramref name="from"/>, <paramref name="to"/>] with the given status (0 = exception).</summary>
    public int Count(int status, TimeSpan from, TimeSpan to) =>
        ErrorsAfterFault.Count(a => a.Status == status && a.Answered >= from && a.Answered <= to);

    /// <summary>The first acknowledgement of an attempt sent at or after <paramref name="from"/>.</summary>
    public TimeSpan? FirstAcknowledgementSentAfter(TimeSpan from) =>
        attempts.Where(a => a.Acknowledged && a.Sent >= from).Select(a => (TimeSpan?)a.Answered).Min();

    /// <summary>Errors after the fault by status, e.g. <c>503×12, exception×3</c>.</summary>
    public string ErrorSummary() => ErrorsAfterFault.Count == 0
        ? "none"
        : string.Join(", ", ErrorsAfterFault.GroupBy(a => a.Status).OrderBy(g => g.Key).Select(g =>
            string.Create(CultureInfo.InvariantCulture, $"{(g.Key == 0 ? "exception" : g.Key.ToString(CultureInfo.InvariantCulture))}×{g.Count()}")));

    /// <summary>A few distinct error texts (without trace ids), for the test output.</summary>
    public IEnumerable<string> SampleErrors(int count = 5) => ErrorsAfterFault
        .Select(a => string.Create(CultureInfo.InvariantCulture, $"{a.Status} {WithoutTraceId(a.Error)}"))
        .Distinct(StringComparer.Ordinal).Take(count);

    /// <summary>Every error after the fault, one line each, for the test output.</summary>
    public IEnumerable<string> Describe() => ErrorsAfterFault.Select(a => string.Create(CultureInfo.InvariantCulture,
        $"  p{a.Batch.Producer} b{a.Batch.Sequence} try {a.Try}: sent +{(a.Sent - faultAt).TotalSeconds:0.0}s, answered +{(a.Answered - faultAt).TotalSeconds:0.0}s: {a.Status} {Shorten(WithoutTraceId(a.Error))}"));

    private static string WithoutTraceId(string? error)
    {
        if (error is null)
        {
            return string.Empty;
        }

        var trace = error.IndexOf(",\"traceId\"", StringComparison.Ordinal);
        return trace < 0 ? error : error[..trace] + "}";
    }

    private static string Shorten(string text) => text.Length > 160 ? text[..160] + "…" : text;
}
