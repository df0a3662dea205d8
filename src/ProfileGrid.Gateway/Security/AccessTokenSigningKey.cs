using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace ProfileGrid.Gateway.Security;

/// <summary>The key tokens are signed and checked with: the configured one, or one made at start for this process only.</summary>
public sealed partial class AccessTokenSigningKey
{
    public AccessTokenSigningKey(IOptions<AccessTokenOptions> options, ILogger<AccessTokenSigningKey> logger)
    {
        if (options.Value.SigningKey is { } configured)
        {
            Key = new SymmetricSecurityKey(Convert.FromBase64String(configured));
            return;
        }

        Key = new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(AccessTokenOptions.MinSigningKeyBytes));
        LogGenerated(logger, AccessTokenOptions.Section);
    }

    public SymmetricSecurityKey Key { get; }

    [LoggerMessage(Level = LogLevel.Information, Message =
        "No {Section}:SigningKey is set: tokens are signed with a key made at start, so only this process accepts them")]
    private static partial void LogGenerated(ILogger logger, string section);
}
