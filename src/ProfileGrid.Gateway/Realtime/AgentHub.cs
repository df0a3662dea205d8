using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using ProfileGrid.Gateway.Ingestion;
using ProfileGrid.Gateway.Security;
using ProfileGrid.Gateway.Views;

namespace ProfileGrid.Gateway.Realtime;

/// <summary>
/// <c>/hubs/agents</c>: agents watch customers and receive <c>profileChanged</c>, <c>activity</c> and <c>viewers</c>.
/// The routing lives in <see cref="CustomerWatchers"/> and <see cref="CustomerPushes"/>; the hub checks input,
/// identifies the agent and opens and closes the connection's outbox.
/// </summary>
[Authorize(Policy = Policies.ReadProfiles)]
public sealed class AgentHub(CustomerWatchers watchers, ConnectionOutboxes outboxes) : Hub
{
    public override Task OnConnectedAsync()
    {
        outboxes.Open(Context);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Watches a customer; returns its profile with <c>seq</c>, or null while nothing is known of it. Identity traits
    /// are masked here and in every push unless the key has the <c>pii</c> scope.
    /// </summary>
    public async Task<ProfileView?> Watch(string customerId) =>
        await watchers.WatchAsync(Context.ConnectionId, WhoAmI().Name, Valid(customerId)) is { } view ? PersonalData.For(Context.User, view) : null;

    public Task Unwatch(string customerId) => watchers.UnwatchAsync(Context.ConnectionId, Valid(customerId));

    /// <summary>The name, role and scopes of the key this connection authenticated with (or of the token exchanged for it).</summary>
    public AgentIdentity WhoAmI() => AgentIdentity.Of(Context.User);

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        outboxes.Close(Context.ConnectionId);
        return watchers.DisconnectAsync(Context.ConnectionId);
    }

    private static string Valid(string customerId) => CustomerKeys.IsValidKey(customerId)
        ? customerId
        : throw new HubException($"The customer id must be {CustomerKeys.Rule}.");
}
