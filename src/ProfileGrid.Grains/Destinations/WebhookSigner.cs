using System.Security.Cryptography;
using System.Text;

namespace ProfileGrid.Destinations;

/// <summary>
/// Signs a delivery as Standard Webhooks specifies: <c>v1,</c> and the base64 of the HMAC-SHA256 of
/// <c>{webhook-id}.{webhook-timestamp}.{body}</c>, keyed by the secret's bytes (after <c>whsec_</c>).
/// </summary>
public static class WebhookSigner
{
    public static string Sign(string secret, string id, long timestamp, ReadOnlySpan<byte> body)
    {
        if (!WebhookSecret.TryDecode(secret, out var key)) throw new ArgumentException("The secret is not in whsec_ form.", nameof(secret));
        var prefix = Encoding.UTF8.GetBytes(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{id}.{timestamp}."));
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, signed));
    }
}
