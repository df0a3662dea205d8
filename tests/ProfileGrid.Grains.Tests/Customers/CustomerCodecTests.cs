using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.Json;
using ProfileGrid.Customers;
using ProfileGrid.Storage;
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

        // Snapshots are Zstandard (format 2); a hot customer's (mostly idempotency digests) is compressed at the
        // faster level, and still shrinks.
        Assert.Equal(2, payloads[0][0]);
        Assert.Equal(2, payloads[2][0]);
        Assert.True(payloads[0].Length < payloads[1].Length, $"{payloads[0].Length} compressed, {payloads[1].Length} plain");
    }

    [Fact]
    public void A_plain_payload_compressed_afterwards_is_the_payload_encoded_compressed()
    {
        // The archive compresses an appended entry from the journal's plain encoding rather than serialize it again.
        var codec = SerializerFixture.Codec;
        foreach (var state in new[] { "hot", "typical" }.Select(SampleCustomers.Build))
        {
            Assert.Equal(codec.Encode(state, compress: true), CustomerCodec.Compress(codec.Encode(state, compress: false)).ToArray());
        }

        // One that does not shrink stays plain, as Encode leaves it.
        var tiny = codec.Encode(new CustomerState(), compress: false);
        Assert.Equal(codec.Encode(new CustomerState(), compress: true), CustomerCodec.Compress(tiny).ToArray());
    }

    [Fact]
    public void A_snapshot_stored_Brotli_compressed_by_an_earlier_version_still_reads()
    {
        var state = SampleCustomers.Build("typical");
        var plain = SerializerFixture.Codec.Encode(state, compress: false);
        var raw = plain.AsSpan(1);
        var compressed = new byte[BrotliEncoder.GetMaxCompressedLength(raw.Length)];
        Assert.True(BrotliEncoder.TryCompress(raw, compressed, out var written, 1, 16));
        var payload = new byte[written + 5];
        payload[0] = 1;
        BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan(1), raw.Length);
        compressed.AsSpan(0, written).CopyTo(payload.AsSpan(5));

        Assert.Equal(ProfileJson(state), ProfileJson(SerializerFixture.Codec.Decode<CustomerState>(payload, "ann")));
    }

    [Fact]
    public void A_damaged_compressed_snapshot_is_refused_as_corrupt()
    {
        var payload = SerializerFixture.Codec.Encode(SampleCustomers.Build("typical"), compress: true);
        Assert.Equal(2, payload[0]);
        payload[payload.Length / 2] ^= 0xFF;
        payload[payload.Length / 2 + 1] ^= 0xFF;

        Assert.Throws<CorruptStateException>(() => SerializerFixture.Codec.Decode<CustomerState>(payload, "ann"));
    }
}
