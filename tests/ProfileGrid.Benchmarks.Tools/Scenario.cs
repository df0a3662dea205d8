namespace ProfileGrid.Benchmarks.Tools;

/// <summary>
/// One goal of issue 8: the subject's result file, its reference's, and the least ratio subject : reference
/// (or, for latency goals, the most p99 in ms). Files are <c>&lt;results&gt;/&lt;name&gt;.json</c>.
/// </summary>
internal sealed record Scenario(string Title, string Subject, string Reference, string ReferenceName, double Goal, bool IsLatency, string WhyMissed)
{
    public string GoalText => IsLatency
        ? $"p99 ≤ {Goal:0} ms"
        : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"≥ {Goal:0.0#}× {ReferenceName}");
}
