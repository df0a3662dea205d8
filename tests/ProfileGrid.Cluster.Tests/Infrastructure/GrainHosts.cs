using System.Globalization;
using System.Text.Json;
using ProfileGrid.Testing;

namespace ProfileGrid.Cluster.Tests.Infrastructure;

/// <summary>Which silo holds the activations of a grain class, as the Orleans dashboard's counters (<c>/orleans/DashboardCounters</c> on the gateway) report it.</summary>
internal static class GrainHosts
{
    /// <summary>The running silo that reports activations of <paramref name="grainClass"/> (its full name ends so), once the counters show one.</summary>
    public static async Task<AppProcess> HostOfAsync(ProfileGridCluster cluster, HttpClient gateway, string grainClass, TimeSpan patience, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + patience;
        var last = "";
        while (true)
        {
            using (var response = await gateway.GetAsync(new Uri("orleans/DashboardCounters", UriKind.Relative), cancellationToken))
            {
                last = await response.Content.ReadAsStringAsync(cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    using var counters = JsonDocument.Parse(last);
                    var ports = Stats(counters.RootElement)
                        .Where(stat => stat.GrainType.EndsWith(grainClass, StringComparison.Ordinal) && stat.Activations > 0)
                        .Select(stat => stat.SiloAddress.Split('@')[0].Split(':')[^1])
                        .ToHashSet(StringComparer.Ordinal);
                    var hosts = cluster.Silos.Where(silo => silo.IsRunning && ports.Contains(cluster.SiloPort(silo).ToString(CultureInfo.InvariantCulture))).ToList();
                    if (hosts.Count == 1) return hosts[0];
                }
            }

            Assert.True(DateTime.UtcNow < deadline, $"The dashboard did not show one silo holding {grainClass} within {patience.TotalSeconds:0} s: {(last.Length > 2000 ? last[..2000] : last)}");
            await Task.Delay(250, cancellationToken);
        }
    }

    /// <summary>Every object of the counters with a grain type, a silo address and an activation count (the per-silo grain statistics).</summary>
    private static IEnumerable<(string GrainType, string SiloAddress, long Activations)> Stats(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                foreach (var stat in Stats(item)) yield return stat;
            }
        }
        else if (element.ValueKind == JsonValueKind.Object)
        {
            string? type = null, silo = null;
            long? activations = null;
            foreach (var property in element.EnumerateObject())
            {
                if (property.NameEquals("grainType") && property.Value.ValueKind == JsonValueKind.String) type = property.Value.GetString();
                else if (property.NameEquals("siloAddress") && property.Value.ValueKind == JsonValueKind.String) silo = property.Value.GetString();
                else if (property.NameEquals("activationCount") && property.Value.ValueKind == JsonValueKind.Number) activations = property.Value.GetInt64();
                else
                {
                    foreach (var stat in Stats(property.Value)) yield return stat;
                }
            }

            if (type is not null && silo is not null && activations is { } count) yield return (type, silo, count);
        }
    }
}
