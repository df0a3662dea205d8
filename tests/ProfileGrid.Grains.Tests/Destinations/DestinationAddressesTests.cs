using System.Net;
using System.Net.Sockets;
using ProfileGrid.Destinations;

namespace ProfileGrid.Grains.Tests.Destinations;

/// <summary>
/// Where deliveries may go: public and loopback addresses; private networks only when allowed; never the cloud
/// metadata service, link-local, multicast, reserved or unspecified addresses. Checked on the address connected.
/// </summary>
public sealed class DestinationAddressesTests
{
    [Theory]
    [InlineData("8.8.8.8", AddressKind.Public)]
    [InlineData("172.15.255.255", AddressKind.Public)]
    [InlineData("172.32.0.0", AddressKind.Public)]
    [InlineData("100.63.255.255", AddressKind.Public)]
    [InlineData("100.128.0.0", AddressKind.Public)]
    [InlineData("168.63.129.15", AddressKind.Public)]
    [InlineData("223.255.255.255", AddressKind.Public)]
    [InlineData("2001:db8::1", AddressKind.Public)]
    [InlineData("127.0.0.1", AddressKind.Loopback)]
    [InlineData("127.255.0.9", AddressKind.Loopback)]
    [InlineData("::1", AddressKind.Loopback)]
    [InlineData("10.0.0.1", AddressKind.Private)]
    [InlineData("172.16.0.0", AddressKind.Private)]
    [InlineData("172.31.255.255", AddressKind.Private)]
    [InlineData("192.168.1.1", AddressKind.Private)]
    [InlineData("100.64.0.0", AddressKind.Private)]
    [InlineData("100.127.255.255", AddressKind.Private)]
    [InlineData("fc00::1", AddressKind.Private)]
    [InlineData("fdff::1", AddressKind.Private)]
    [InlineData("::ffff:10.1.2.3", AddressKind.Private)]
    [InlineData("0.0.0.0", AddressKind.Forbidden)]
    [InlineData("169.254.169.254", AddressKind.Forbidden)]
    [InlineData("168.63.129.16", AddressKind.Forbidden)]
    [InlineData("224.0.0.1", AddressKind.Forbidden)]
    [InlineData("255.255.255.255", AddressKind.Forbidden)]
    [InlineData("::", AddressKind.Forbidden)]
    [InlineData("fe80::1", AddressKind.Forbidden)]
    [InlineData("ff02::1", AddressKind.Forbidden)]
    [InlineData("::ffff:169.254.169.254", AddressKind.Forbidden)]
    public void Each_address_is_of_its_kind(string address, AddressKind kind) =>
        Assert.Equal(kind, DestinationAddresses.Classify(IPAddress.Parse(address)));

    [Fact]
    public void Private_networks_are_allowed_only_when_configured_and_forbidden_addresses_never()
    {
        Assert.False(DestinationAddresses.IsAllowed(IPAddress.Parse("10.0.0.1"), allowPrivateNetworks: false));
        Assert.True(DestinationAddresses.IsAllowed(IPAddress.Parse("10.0.0.1"), allowPrivateNetworks: true));
        Assert.False(DestinationAddresses.IsAllowed(IPAddress.Parse("169.254.169.254"), allowPrivateNetworks: true));
        Assert.True(DestinationAddresses.IsAllowed(IPAddress.Parse("127.0.0.1"), allowPrivateNetworks: false));
        Assert.True(DestinationAddresses.IsAllowed(IPAddress.Parse("8.8.8.8"), allowPrivateNetworks: false));
    }

    [Fact]
    public async Task A_connection_to_a_refused_address_is_not_attempted_and_one_to_an_allowed_name_is()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var refused = await Assert.ThrowsAsync<DestinationAddressRefusedException>(() => DeliverySender.ConnectAsync(new DnsEndPoint("10.1.2.3", 443), false, timeout.Token).AsTask());
        Assert.Contains("10.1.2.3", refused.Message, StringComparison.Ordinal);
        Assert.Contains("AllowPrivateNetworks", refused.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<DestinationAddressRefusedException>(() => DeliverySender.ConnectAsync(new DnsEndPoint("169.254.169.254", 443), true, timeout.Token).AsTask());

        // A name is resolved, then checked: localhost is loopback, so the connection is made (to a listener of the test's own).
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var accepting = listener.AcceptTcpClientAsync(timeout.Token).AsTask();
        await using var stream = await DeliverySender.ConnectAsync(new DnsEndPoint("localhost", ((IPEndPoint)listener.LocalEndpoint).Port), false, timeout.Token);
        using var accepted = await accepting;
        Assert.True(accepted.Connected);
    }
}
