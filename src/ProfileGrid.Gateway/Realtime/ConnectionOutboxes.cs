using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using ProfileGrid.Gateway.Views;

namespace ProfileGrid.Gateway.Realtime;

/// <summary>The <see cref="ConnectionOutbox"/> of every open connection to <see cref="AgentHub"/> on this gateway.</summary>
public sealed class ConnectionOutboxes
{
    private readonly ConcurrentDictionary<string, ConnectionOutbox> _open = new(StringComparer.Ordinal);
    private readonly IHubContext<AgentHub> _hub;
    private readonly RealtimeMetrics _metrics;
    private readonly ILogger<ConnectionOutboxes> _logger;

    public ConnectionOutboxes(IHubContext<AgentHub> hub, RealtimeMetrics metrics, ILogger<ConnectionOutboxes> logger)
    {
        (_hub, _metrics, _logger) = (hub, metrics, logger);
        metrics.ObserveConnections(() => _open.Count);
    }

    public void Open(HubCallerContext connection) =>
        _open[connection.ConnectionId] = new ConnectionOutbox(connection, _hub, _metrics, _logger);

    public void Close(string connectionId)
    {
        if (_open.TryRemove(connectionId, out var outbox)) outbox.Close();
    }

    public bool IsOpen(string connectionId) => _open.ContainsKey(connectionId);

    /// <summary>
    /// Queues a <c>profileChanged</c> push for each connection, as its key may see it: identity traits masked unless
    /// it has the <c>pii</c> scope (the masked view is made once, and only if a connection needs it).
    /// </summary>
    public void PostProfile(string[] connectionIds, ProfileView view, DateTimeOffset? changedAt = null)
    {
        ProfileView? masked = null;
        foreach (var connectionId in connectionIds)
        {
            if (!_open.TryGetValue(connectionId, out var outbox)) continue;
            outbox.Post(Pushes.ProfileChanged, outbox.SeesPersonalData ? view : masked ??= PersonalData.Masked(view), changedAt);
        }
    }

    /// <summary>Queues a <c>segmentChanged</c> push for each connection, with identity trait values in the reasons masked unless it has the <c>pii</c> scope.</summary>
    public void PostSegmentChange(IEnumerable<string> connectionIds, SegmentChangedMessage message)
    {
        SegmentChangedMessage? masked = null;
        foreach (var connectionId in connectionIds)
        {
            if (!_open.TryGetValue(connectionId, out var outbox)) continue;
            outbox.Post(Pushes.SegmentChanged, outbox.SeesPersonalData ? message : masked ??= message with { Reasons = PersonalData.MaskReasons(message.Reasons) }, message.At);
        }
    }

    /// <summary>
    /// Queues one push for each connection, in the order posted; never waits on a connection. A push of a change
    /// carries when it was made (<paramref name="changedAt"/>), to measure how long it took to reach the agents.
    /// </summary>
    public void Post(string[] connectionIds, string method, object message, DateTimeOffset? changedAt = null)
    {
        foreach (var connectionId in connectionIds)
        {
            if (_open.TryGetValue(connectionId, out var outbox)) outbox.Post(method, message, changedAt);
        }
    }
}
