using Microsoft.Extensions.Options;

namespace ProfileGrid.Gateway.Security;

/// <summary>The section <c>ProfileGrid:Tokens</c>.</summary>
public sealed class AccessTokenOptions
{
    public const string Section = "ProfileGrid:Tokens";
    public const int MinSigningKeyBytes = 32;

    /// <summary>
    /// The HMAC-SHA256 key tokens are signed with, base64, at least 32 bytes; the same on every gateway replica so
    /// they accept each other's tokens. Unset: a random key made at start, which only this process knows.
    /// </summary>
    public string? SigningKey { get; set; }
}

/// <summary>Refuses to start with a signing key that is not base64 or is too short to be a secret.</summary>
internal sealed class AccessTokenOptionsValidator : IValidateOptions<AccessTokenOptions>
{
    public ValidateOptionsResult Validate(string? name, AccessTokenOptions options)
    {
        if (options.SigningKey is null) return ValidateOptionsResult.Success;
        var bytes = new byte[options.SigningKey.Length];
        if (!Convert.TryFromBase64String(options.SigningKey, bytes, out var length))
            return ValidateOptionsResult.Fail($"{AccessTokenOptions.Section}:SigningKey must be base64.");
        return length < AccessTokenOptions.MinSigningKeyBytes
            ? ValidateOptionsResult.Fail($"{AccessTokenOptions.Section}:SigningKey must be at least {AccessTokenOptions.MinSigningKeyBytes} bytes (base64), not {length}.")
            : ValidateOptionsResult.Success;
    }
}
