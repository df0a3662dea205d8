using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using ProfileGrid.Gateway.Ingestion;
using ProfileGrid.Gateway.Security;
using ProfileGrid.Gateway.Endpoints;
using ProfileGrid.Gateway.Views;
using ProfileGrid.Segments;

namespace ProfileGrid.Gateway.Realtime;

/// <summary>
/// <c>/hubs/agents</c>: agents watch customers and receive <c>profileChanged</c>, <c>activity</c> and <c>viewers</c>,
/// and watch segments and receive <c>segmentChanged</c> as customers enter and leave them.
/// The routing lives in <see cref="CustomerWatchers"/> and <see cref="CustomerPushes"/>; the hub checks input,
/// identifies the agent and opens and closes the connection's outbox.
/// </summary>
[Authorize(Policy = Policies.ReadProfiles)]
public sealed class AgentHub(
    CustomerWatchers watchers, SegmentWatchers segmentWatchers, SegmentCatalog segments, IGrainFactory grains, ConnectionOutboxes outboxes) : Hub
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

    /// <summary>
    /// Watches a segment: <c>segmentChanged</c> (<c>customerId</c>, <c>segment</c>, <c>entered</c>, <c>reasons</c>,
    /// <c>at</c>) for every customer entering or leaving it from now on. Returns the segment with its size; the
    /// members so far are paged from <c>GET /v1/segments/{name}/members</c>.
    /// </summary>
    public async Task<SegmentView> WatchSegment(string name)
    {
        if (!SegmentNames.IsValid(name)) throw new HubException($"A segment name is {SegmentNames.Rule}.");
        if (await segments.FindAsync(name) is not { } segment) throw new HubException($"No segment '{name}' is defined.");
        await segmentWatchers.WatchAsync(Context.ConnectionId, name);
        return await SegmentView.ReadAsync(segment, grains);
    }

    public Task UnwatchSegment(string name) => segmentWatchers.UnwatchAsync(Context.ConnectionId, name);

    /// <summary>The name, role and scopes of the key this connection authenticated with (or of the token exchanged for it).</summary>
    public AgentIdentity WhoAmI() => AgentIdentity.Of(Context.User);

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        outboxes.Close(Context.ConnectionId);
        return Task.WhenAll(watchers.DisconnectAsync(Context.ConnectionId), segmentWatchers.DisconnectAsync(Context.ConnectionId));
    }

    private static string Valid(string customerId) => CustomerKeys.IsValidKey(customerId)
        ? customerId
        : throw new HubException($"The customer id must be {CustomerKeys.Rule}.");
}
