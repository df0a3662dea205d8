using ProfileGrid.Settings;

namespace ProfileGrid.Gateway.Security;

/// <summary>The section <c>ProfileGrid:Tokens</c>.</summary>
public sealed class AccessTokenOptions : ICheckedOptions
{
    public const string Section = "ProfileGrid:Tokens";

    public static string SectionPath => Section;
    public const int MinSigningKeyBytes = 32;

    /// <summary>
    /// The HMAC-SHA256 key tokens are signed with, base64, at least 32 bytes; the same on every gateway replica so
    /// they accept each other's tokens. Unset: a random key made at start, which only this process knows.
    /// </summary>
    public string? SigningKey { get; set; }

    /// <summary>A signing key that is not base64, or too short to be a secret (the key itself is never in the line).</summary>
    public IEnumerable<string> Problems()
    {
        if (SigningKey is null) yield break;
        var bytes = new byte[SigningKey.Length];
        if (!Convert.TryFromBase64String(SigningKey, bytes, out var length)) yield return "SigningKey must be base64.";
        else if (length < MinSigningKeyBytes) yield return $"SigningKey must be at least {MinSigningKeyBytes} bytes (base64), not {length}.";
    }
}
