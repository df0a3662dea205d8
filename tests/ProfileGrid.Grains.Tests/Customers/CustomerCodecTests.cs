using System.Text.Json;
using ProfileGrid.Customers;
using ProfileGrid.Testing;

namespace ProfileGrid.Grains.Tests.Customers;

/// <summary>
/// The journal's codec serializes into a buffer its thread keeps: payloads encoded one after another, small and
/// large, compressed and plain, must each read back as what was encoded and stay as they were returned.
/// </summary>
public sealed class CustomerCodecTests
{
    private static string ProfileJson(CustomerState state) =>
        JsonSerializer.Serialize(state.ToProfile("ann", SampleCustomers.Now));

    [Fact]
    public void Payloads_encoded_one_after_another_on_one_thread_read_back_as_their_own_values()
    {
        var codec = SerializerFixture.Codec;
        var states = new[] { "hot", "typical", "hot", "typical" }.Select(SampleCustomers.Build).ToArray();
        var payloads = new List<byte[]>();
        var copies = new List<byte[]>();
        foreach (var state in states)
        {
            foreach (var compress in new[] { true, false })
            {
                var payload = codec.Encode(state, compress);
                payloads.Add(payload);
                copies.Add([.. payload]);
            }
        }

        for (var i = 0; i < payloads.Count; i++)
        {
            Assert.Equal(copies[i], payloads[i]);
            Assert.Equal(ProfileJson(states[i / 2]), ProfileJson(codec.Decode<CustomerState>(payloads[i], "ann")));
        }

        // A hot customer's snapshot (mostly idempotency digests) is compressed at the faster quality, and still shrinks.
        Assert.Equal(1, payloads[0][0]);
        Assert.True(payloads[0].Length < payloads[1].Length, $"{payloads[0].Length} compressed, {payloads[1].Length} plain");
    }
}
