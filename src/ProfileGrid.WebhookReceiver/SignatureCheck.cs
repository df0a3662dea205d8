using System.Security.Cryptography;
using System.Text;

namespace ProfileGrid.WebhookReceiver;

/// <summary>
/// Verifies a Standard Webhooks signature as a receiver does: the key is the base64 after <c>whsec_</c>; the signed
/// content is <c>id.timestamp.body</c>; the header holds space-separated <c>v1,&lt;base64&gt;</c> entries, any of which
/// may match; the timestamp must be within five minutes of now (replays are refused).
/// </summary>
public static class SignatureCheck
{
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    public static bool Verify(string secret, string? id, string? timestamp, string? signatures, byte[] body, DateTimeOffset now)
    {
        if (id is null || timestamp is null || signatures is null) return false;
        if (!long.TryParse(timestamp, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)) return false;
        if ((now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > Tolerance) return false;
        var key = Convert.FromBase64String(secret.StartsWith("whsec_", StringComparison.Ordinal) ? secret[6..] : secret);
        using var hmac = new HMACSHA256(key);
        hmac.TransformBlock(Encoding.UTF8.GetBytes($"{id}.{timestamp}."), 0, Encoding.UTF8.GetByteCount($"{id}.{timestamp}."), null, 0);
        hmac.TransformFinalBlock(body, 0, body.Length);
        var expected = hmac.Hash!;
        Span<byte> given = stackalloc byte[64];
        foreach (var entry in signatures.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var comma = entry.IndexOf(',', StringComparison.Ordinal);
            if (comma < 0 || entry[..comma] != "v1") continue;
            if (Convert.TryFromBase64String(entry[(comma + 1)..], given, out var written) && CryptographicOperations.FixedTimeEquals(given[..written], expected)) return true;
        }

        return false;
    }
}
