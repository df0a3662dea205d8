using Microsoft.AspNetCore.SignalR;
using ProfileGrid.Gateway.Security;

namespace ProfileGrid.Gateway.Realtime;

/// <summary>
/// Refuses a hub call on a connection whose token has expired, and ends the connection. The gateway closes such
/// connections itself (<c>CloseOnAuthenticationExpiration</c>), but from a scan that runs about once a second; this
/// makes the refusal exact at the token's expiry. A connection opened with an API key has no expiry and passes.
/// </summary>
internal sealed class TokenExpiryFilter(TimeProvider clock) : IHubFilter
{
    public const string Expired = "The token has expired: connect again with a new one from POST /v1/auth/token.";

    public ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        if (invocationContext.Context.User is { } user && AccessTokens.ExpiresAt(user) <= clock.GetUtcNow())
        {
            invocationContext.Context.Abort();
            throw new HubException(Expired);
        }

        return next(invocationContext);
    }
}
