using System.Security.Cryptography;
using System.Text.Json;
using ProfileGrid.Archive;
using ProfileGrid.Storage.Archive;

namespace ProfileGrid.Grains.Tests.Archive;

/// <summary>
/// A record is sealed in buffers its thread keeps: records sealed one after another, small and large, must each read
/// back as the line the archive format describes and open to their own plaintext, and only under their own key.
/// </summary>
public sealed class ArchiveRecordTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 10, 30, 15, 123, TimeSpan.Zero);

    [Fact]
    public void Records_sealed_one_after_another_on_one_thread_open_to_their_own_plaintext()
    {
        var key = ArchiveKey.New();
        var plaintexts = new[] { 10, 200_000, 300, 0, 70_000, 5 }.Select(length => RandomNumberGenerator.GetBytes(length)).ToArray();
        var lines = plaintexts.Select((plaintext, seq) => ArchiveRecord.Seal(key, seq + 1, At.AddSeconds(seq), plaintext)).ToArray();

        for (var i = 0; i < lines.Length; i++)
        {
            var record = ArchiveRecord.Parse(lines[i]);
            Assert.Equal((key.IdText, i + 1L, At.AddSeconds(i)), (record.KeyId, record.Seq, record.At));
            Assert.Equal(plaintexts[i], record.Open(key));
        }
    }

    [Fact]
    public void A_line_holds_the_key_id_seq_time_and_sealed_data_and_opens_under_its_key_only()
    {
        var key = ArchiveKey.New();
        var line = ArchiveRecord.Seal(key, 42, At, "entry"u8);

        using var json = JsonDocument.Parse(line);
        Assert.Equal(["key", "seq", "at", "data"], json.RootElement.EnumerateObject().Select(property => property.Name));
        Assert.Equal(key.IdText, json.RootElement.GetProperty("key").GetString());
        Assert.Equal(22, key.IdText.Length);
        Assert.Equal(42, json.RootElement.GetProperty("seq").GetInt64());
        Assert.Equal("2026-12-07T10:30:15.1230000Z", json.RootElement.GetProperty("at").GetString());
        Assert.Equal(12 + 5 + 16, json.RootElement.GetProperty("data").GetBytesFromBase64().Length);

        var record = ArchiveRecord.Parse(line);
        Assert.Equal("entry"u8.ToArray(), record.Open(key));
        Assert.Throws<CryptographicException>(() => record.Open(ArchiveKey.New()));
        Assert.ThrowsAny<CryptographicException>(() => (record with { Seq = 43 }).Open(key));
    }

    [Fact]
    public void A_key_reads_back_from_its_bytes_as_the_same_key()
    {
        var key = ArchiveKey.New();
        var again = new ArchiveKey(key.ToBytes());
        Assert.Equal(key.IdText, again.IdText);
        Assert.True(key.Key.SequenceEqual(again.Key));
        Assert.Equal(ArchiveKey.IdBytes + ArchiveKey.KeyBytes, key.ToBytes().Length);
        Assert.Throws<ProfileGrid.Storage.CorruptStateException>(() => new ArchiveKey(new byte[47]));
    }
}
