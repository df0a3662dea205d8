using System.Net;
using ProfileGrid.Settings;

namespace ProfileGrid.Hosting;

/// <summary>The section <c>ProfileGrid:Silo</c>: the endpoints of a silo this process hosts.</summary>
public sealed class ProfileGridSiloOptions : ICheckedOptions
{
    public const string Section = "ProfileGrid:Silo";

    public static string SectionPath => Section;

    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address other silos and clients reach this silo at; see <see cref="ResolveAdvertisedIp"/>.</summary>
    public string? AdvertisedIp { get; set; }

    /// <summary>The configured address, else loopback when the cluster is local, else this host's first IPv4 address.</summary>
    public IPAddress ResolveAdvertisedIp(bool clusterIsLocal)
    {
        if (!string.IsNullOrWhiteSpace(AdvertisedIp)) return IPAddress.Parse(AdvertisedIp);
        if (clusterIsLocal) return IPAddress.Loopback;
        return Array.Find(Dns.GetHostAddresses(Dns.GetHostName()),
            address => address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && !IPAddress.IsLoopback(address))
            ?? IPAddress.Loopback;
    }

    public IEnumerable<string> Problems()
    {
        if (CheckedOptions.Within(nameof(SiloPort), SiloPort, 1, 65535) is { } silo) yield return silo;
        if (CheckedOptions.Within(nameof(GatewayPort), GatewayPort, 1, 65535) is { } gateway) yield return gateway;
        if (SiloPort == GatewayPort) yield return $"GatewayPort must differ from SiloPort, not both {SiloPort}.";
        if (!string.IsNullOrWhiteSpace(AdvertisedIp) && !IPAddress.TryParse(AdvertisedIp, out _)) yield return $"AdvertisedIp must be an IP address, not '{AdvertisedIp}'.";
    }
}
