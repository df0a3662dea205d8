using System.Net;

namespace ProfileGrid.Hosting;

/// <summary>The section <c>ProfileGrid:Silo</c>: the endpoints of a silo this process hosts.</summary>
public sealed class ProfileGridSiloOptions
{
    public const string Section = "ProfileGrid:Silo";

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
}
