using System.Security.Cryptography;

namespace ProfileGrid.Destinations;

/// <summary>Signing secrets in the Standard Webhooks form: <c>whsec_</c> and the base64 of the key's bytes.</summary>
public static class WebhookSecret
{
    public const string Prefix = "whsec_";

    /// <summary>A new secret of 32 random bytes.</summary>
    public static string Generate() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>The key's bytes; false unless the secret is <c>whsec_</c> and valid base64.</summary>
    public static bool TryDecode(string? secret, out byte[] key)
    {
        key = [];
        if (secret is null || !secret.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        var encoded = secret.AsSpan(Prefix.Length);
        var buffer = new byte[encoded.Length];
        if (!Convert.TryFromBase64Chars(encoded, buffer, out var written) || written == 0) return false;
        key = buffer[..written];
        return true;
    }

    /// <summary>What a read shows of a secret: its prefix and first four characters, enough to tell two apart, not to sign.</summary>
    public static string Mask(string secret) =>
        secret.Length > Prefix.Length + 4 ? string.Concat(secret.AsSpan(0, Prefix.Length + 4), "…") : Prefix + "…";
}
