using System.Globalization;

namespace ProfileGrid.Cluster.Tests.Infrastructure;

internal static class Seconds
{
    /// <summary><c>12.3s</c>, or <c>-</c> when there is no value.</summary>
    public static string Format(TimeSpan? time) =>
        time is { } value ? value.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + "s" : "-";
}
