using System.Net;
using System.Net.Sockets;

namespace ProfileGrid.Destinations;

/// <summary>
/// Which network addresses a delivery may connect to (docs/destinations.md, "Where deliveries may go"): checked on the
/// address actually connected, after DNS, so a name that resolves to a private address (or is re-pointed at one) is
/// refused as its literal would be.
/// </summary>
public static class DestinationAddresses
{
    // Azure's platform endpoint (wire server): public-looking, but the host's own, like the metadata service.
    private static readonly IPAddress AzureWireServer = IPAddress.Parse("168.63.129.16");

    public static AddressKind Classify(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            Span<byte> bytes = stackalloc byte[4];
            address.TryWriteBytes(bytes, out _);
            return (bytes[0], bytes[1]) switch
            {
                (0, _) => AddressKind.Forbidden,
                (127, _) => AddressKind.Loopback,
                (10, _) or (172, >= 16 and <= 31) or (192, 168) or (100, >= 64 and <= 127) => AddressKind.Private,
                (169, 254) => AddressKind.Forbidden,
                (>= 224, _) => AddressKind.Forbidden,
                _ when address.Equals(AzureWireServer) => AddressKind.Forbidden,
                _ => AddressKind.Public,
            };
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6) return AddressKind.Forbidden;
        if (address.Equals(IPAddress.IPv6Loopback)) return AddressKind.Loopback;
        if (address.Equals(IPAddress.IPv6Any) || address.IsIPv6LinkLocal || address.IsIPv6Multicast || address.IsIPv6SiteLocal) return AddressKind.Forbidden;
        Span<byte> v6 = stackalloc byte[16];
        address.TryWriteBytes(v6, out _);
        return (v6[0] & 0xFE) == 0xFC ? AddressKind.Private : AddressKind.Public;
    }

    /// <summary>Whether a delivery may connect to <paramref name="address"/>: public and loopback ones, private ones only when allowed.</summary>
    public static bool IsAllowed(IPAddress address, bool allowPrivateNetworks) => Classify(address) switch
    {
        AddressKind.Public or AddressKind.Loopback => true,
        AddressKind.Private => allowPrivateNetworks,
        _ => false,
    };
}

public enum AddressKind
{
    /// <summary>On the internet.</summary>
    Public,

    /// <summary>This machine (127.0.0.0/8, ::1): a receiver beside the silo, in development.</summary>
    Loopback,

    /// <summary>A private network (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7): allowed by <c>AllowPrivateNetworks</c>.</summary>
    Private,

    /// <summary>Never a webhook: unspecified, link-local (the cloud metadata service), multicast, reserved, Azure's wire server.</summary>
    Forbidden,
}
