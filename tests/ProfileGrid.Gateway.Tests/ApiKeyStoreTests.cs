using Microsoft.Extensions.Options;
using ProfileGrid.Gateway.Security;

namespace ProfileGrid.Gateway.Tests;

/// <summary>Which configured key a presented one is: exact matches only, keys of any length, one principal per key.</summary>
public sealed class ApiKeyStoreTests
{
    private static readonly string LongKey = string.Concat(Enumerable.Repeat("clé-très-longue-", 40));

    private static readonly ApiKeyStore Store = new(Options.Create(new ApiKeysOptions
    {
        ApiKeys =
        [
            new ApiKeyOptions { Key = "producer-key-0000001", Name = "webshop", Role = ApiRole.Producer },
            new ApiKeyOptions { Key = LongKey, Name = "pos", Role = ApiRole.Agent, Scopes = ["pii"] },
        ],
    }));

    [Fact]
    public void A_configured_key_is_found_with_its_principal()
    {
        var key = Store.Find("producer-key-0000001");

        Assert.NotNull(key);
        Assert.Equal("webshop", key.Options.Name);
        Assert.Equal("webshop", key.Principal.FindFirst(AgentClaims.Name)?.Value);
        Assert.True(key.Principal.IsInRole("producer"));
        Assert.Same(key.Principal, Store.Find("producer-key-0000001")?.Principal);
    }

    [Fact]
    public void A_key_longer_than_the_stack_buffer_is_found()
    {
        var key = Store.Find(LongKey);

        Assert.Equal("pos", key?.Options.Name);
        Assert.Equal(["pii"], key!.Principal.FindAll(AgentClaims.Scope).Select(claim => claim.Value));
    }

    [Theory]
    [InlineData("producer-key-000000")]
    [InlineData("producer-key-00000012")]
    [InlineData("PRODUCER-KEY-0000001")]
    [InlineData("")]
    public void Anything_but_a_configured_key_is_not_found(string presented) => Assert.Null(Store.Find(presented));

    [Fact]
    public void A_long_key_cut_short_is_not_found() => Assert.Null(Store.Find(LongKey[..^1]));
}
