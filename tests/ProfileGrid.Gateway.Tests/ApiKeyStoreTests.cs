using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
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

    [Fact]
    public void An_http1_connection_remembers_the_key_it_presented_and_answers_it_from_there()
    {
        var (request, items) = Request("HTTP/1.1");

        var key = Store.Find("producer-key-0000001", request);

        var verified = Assert.IsType<VerifiedKey>(Assert.Single(items).Value);
        Assert.Same(key, verified.Key);
        // What the connection remembers is what answers it: a remembered key is not hashed again.
        var remembered = new KnownApiKey(key!.Options, key.Principal);
        items[VerifiedKey.Item] = verified with { Key = remembered };
        Assert.Same(remembered, Store.Find(new string("producer-key-0000001".AsSpan()), request));
    }

    [Fact]
    public void A_connection_that_presents_another_key_is_verified_again()
    {
        var (request, items) = Request("HTTP/1.1");
        var producer = Store.Find("producer-key-0000001", request);

        Assert.Null(Store.Find("producer-key-0000002", request));
        Assert.Null(Store.Find("producer-key-000000", request));
        Assert.Same(producer, Assert.IsType<VerifiedKey>(items[VerifiedKey.Item]).Key);

        Assert.Equal("pos", Store.Find(LongKey, request)?.Options.Name);
        Assert.Equal(LongKey, Assert.IsType<VerifiedKey>(items[VerifiedKey.Item]).Presented);
        Assert.Equal("webshop", Store.Find("producer-key-0000001", request)?.Options.Name);
    }

    [Theory]
    [InlineData("HTTP/2")]
    [InlineData("HTTP/3")]
    public void A_connection_that_interleaves_requests_remembers_nothing(string protocol)
    {
        var (request, items) = Request(protocol);

        Assert.Equal("webshop", Store.Find("producer-key-0000001", request)?.Options.Name);
        Assert.Null(Store.Find("producer-key-0000002", request));
        Assert.Empty(items);
    }

    [Fact]
    public void A_request_without_connection_items_is_verified_by_its_digest()
    {
        var request = new DefaultHttpContext { Request = { Protocol = "HTTP/1.1" } };

        Assert.Equal("webshop", Store.Find("producer-key-0000001", request)?.Options.Name);
        Assert.Null(Store.Find("producer-key-0000002", request));
    }

    private static (HttpContext Request, IDictionary<object, object?> ConnectionItems) Request(string protocol)
    {
        var connection = new ConnectionItems();
        var request = new DefaultHttpContext { Request = { Protocol = protocol } };
        request.Features.Set<IConnectionItemsFeature>(connection);
        return (request, connection.Items);
    }

    private sealed class ConnectionItems : IConnectionItemsFeature
    {
        public IDictionary<object, object?> Items { get; set; } = new Dictionary<object, object?>();
    }
}
