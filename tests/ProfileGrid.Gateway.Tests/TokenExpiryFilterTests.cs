using System.Security.Claims;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Time.Testing;
using ProfileGrid.Gateway.Realtime;

namespace ProfileGrid.Gateway.Tests;

/// <summary>A hub call on a connection whose token has expired is refused, and the connection ended, at the token's expiry exactly.</summary>
public sealed class TokenExpiryFilterTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task A_call_before_the_tokens_expiry_goes_through_and_one_at_it_is_refused_and_ends_the_connection()
    {
        var filter = new TokenExpiryFilter(_clock);
        var connection = new Connection(Token(expiresAt: _clock.GetUtcNow().AddSeconds(10)));
        var calls = 0;

        _clock.Advance(TimeSpan.FromSeconds(9));
        await filter.InvokeMethodAsync(Invocation(connection), _ => ValueTask.FromResult<object?>(++calls));
        _clock.Advance(TimeSpan.FromSeconds(1));
        var refused = await Assert.ThrowsAsync<HubException>(() => filter.InvokeMethodAsync(Invocation(connection), _ => ValueTask.FromResult<object?>(++calls)).AsTask());

        Assert.Equal(TokenExpiryFilter.Expired, refused.Message);
        Assert.Equal(1, calls);
        Assert.True(connection.Aborted);
    }

    [Fact]
    public async Task A_connection_opened_with_an_api_key_has_no_expiry()
    {
        var filter = new TokenExpiryFilter(_clock);
        var connection = new Connection(new ClaimsPrincipal(new ClaimsIdentity([new Claim("name", "test agent"), new Claim("role", "agent")], "ApiKey")));

        _clock.Advance(TimeSpan.FromDays(400));

        Assert.Equal(1, await filter.InvokeMethodAsync(Invocation(connection), _ => ValueTask.FromResult<object?>(1)));
        Assert.False(connection.Aborted);
    }

    private static ClaimsPrincipal Token(DateTimeOffset expiresAt) => new(new ClaimsIdentity(
        [new Claim("name", "test agent"), new Claim("role", "agent"), new Claim("exp", expiresAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture))], "Token"));

    private static HubInvocationContext Invocation(Connection connection) =>
        new(connection, new EmptyServices(), new NoHub(), typeof(AgentHub).GetMethod(nameof(AgentHub.Watch))!, ["c-1"]);

    private sealed class Connection(ClaimsPrincipal user) : HubCallerContext
    {
        public bool Aborted { get; private set; }

        public override string ConnectionId => "connection-1";

        public override string? UserIdentifier => null;

        public override ClaimsPrincipal? User => user;

        public override IDictionary<object, object?> Items { get; } = new Dictionary<object, object?>();

        public override IFeatureCollection Features { get; } = new FeatureCollection();

        public override CancellationToken ConnectionAborted => CancellationToken.None;

        public override void Abort() => Aborted = true;
    }

    private sealed class NoHub : Hub;

    private sealed class EmptyServices : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }
}
