using System.Globalization;

namespace ProfileGrid.Cluster.Tests.Infrastructure;

internal static class AcknowledgementsAssert
{
    /// <summary>
    /// Every 202 accounted for each event of its batch (accepted or duplicate, none rejected), and a batch
    /// acknowledged on its first try had no duplicates (its ids were new).
    /// </summary>
    public static void EveryEventAccountedFor(EventLoad load)
    {
        var wrong = load.Acknowledged
            .Where(a => a.Answer.Rejected != 0 || a.Answer.Accepted + a.Answer.Duplicates != a.Batch.Events.Count
                || (a.Tries == 1 && a.Answer.Duplicates != 0))
            .Select(a => string.Create(CultureInfo.InvariantCulture,
                $"producer {a.Batch.Producer} batch {a.Batch.Sequence} (try {a.Tries}): {a.Answer} for {a.Batch.Events.Count} events"))
            .ToList();
        Assert.True(wrong.Count == 0, "202 answers that do not account for their batch:" + Environment.NewLine + string.Join(Environment.NewLine, wrong.Take(20)));
    }
}
