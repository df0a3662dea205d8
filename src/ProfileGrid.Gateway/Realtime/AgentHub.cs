using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using ProfileGrid.Gateway.Ingestion;
using ProfileGrid.Gateway.Security;
using ProfileGrid.Gateway.Views;

namespace ProfileGrid.Gateway.Realtime;

/// <summary>
/// <c>/hubs/agents</c>: agents watch customers and receive <c>profileChanged</c>, <c>activity</c> and <c>viewers</c>.
/// The routing lives in <see cref="CustomerWatchers"/>; the hub only checks input and identifies the agent.
/// </summary>
[Authorize(Policy = Policies.ReadProfiles)]
public sealed class AgentHub(CustomerWatchers watchers) : Hub
{
    /// <summary>Watches a customer; returns its profile with <c>seq</c>, or null while nothing is known of it.</summary>
    public Task<ProfileView?> Watch(string customerId) =>
        watchers.WatchAsync(Context.ConnectionId, AgentName, Valid(customerId));

    public Task Unwatch(string customerId) => watchers.UnwatchAsync(Context.ConnectionId, Valid(customerId));

    public override Task OnDisconnectedAsync(Exception? exception) => watchers.DropConnectionAsync(Context.ConnectionId);

    private string AgentName => Context.User?.FindFirstValue(ClaimTypes.Name) ?? "agent";

    private static string Valid(string customerId) => CustomerKeys.IsValidKey(customerId)
        ? customerId
        : throw new HubException($"The customer id must be {CustomerKeys.Rule}.");
}
