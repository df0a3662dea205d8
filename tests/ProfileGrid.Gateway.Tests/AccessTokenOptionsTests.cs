using ProfileGrid.Gateway.Security;
using ProfileGrid.Settings;

namespace ProfileGrid.Gateway.Tests;

/// <summary>A gateway refuses to start with a signing key that is not a 32-byte-or-longer secret in base64.</summary>
public sealed class AccessTokenOptionsTests
{
    private static readonly CheckedOptionsValidator<AccessTokenOptions> Validator = new();

    [Fact]
    public void No_signing_key_is_valid_a_random_one_is_made_at_start() =>
        Assert.True(Validator.Validate(null, new AccessTokenOptions()).Succeeded);

    [Fact]
    public void A_32_byte_base64_key_is_valid() =>
        Assert.True(Validator.Validate(null, new AccessTokenOptions { SigningKey = Convert.ToBase64String(new byte[32]) }).Succeeded);

    [Theory]
    [InlineData("not base64 at all!", "ProfileGrid:Tokens:SigningKey must be base64.")]
    [InlineData("AAECAwQFBgcICQoLDA0ODw==", "ProfileGrid:Tokens:SigningKey must be at least 32 bytes (base64), not 16.")]
    public void Anything_else_stops_the_start_with_the_rule(string key, string failure)
    {
        var result = Validator.Validate(null, new AccessTokenOptions { SigningKey = key });

        Assert.Equal([failure], result.Failures);
    }
}
