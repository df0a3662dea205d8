using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using ProfileGrid.Gateway.Views;

namespace ProfileGrid.Gateway.Realtime;

/// <summary>
/// One SignalR connection's pushes, sent in order by one pump. Posting never waits: a grain notification is fanned
/// out to every watcher without awaiting any network write, so a browser that stops reading cannot delay the
/// others. A connection <see cref="Capacity"/> pushes behind is dropped.
/// </summary>
internal sealed partial class ConnectionOutbox
{
    /// <summary>
    /// Pushes waiting to be written, on top of what SignalR and the socket buffer. A live agent is a handful
    /// behind at most; a connection this far behind has stopped reading.
    /// </summary>
    public const int Capacity = 512;

    private readonly Channel<(string Method, object Message, DateTimeOffset? ChangedAt)> _queue = Channel.CreateBounded<(string, object, DateTimeOffset?)>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly HubCallerContext _connection;
    private readonly IHubContext<AgentHub> _hub;
    private readonly RealtimeMetrics _metrics;
    private readonly ILogger _logger;
    private int _closed;

    public ConnectionOutbox(HubCallerContext connection, IHubContext<AgentHub> hub, RealtimeMetrics metrics, ILogger logger)
    {
        (_connection, _hub, _metrics, _logger) = (connection, hub, metrics, logger);
        SeesPersonalData = PersonalData.MaySee(connection.User);
        _ = PumpAsync();
    }

    public string ConnectionId => _connection.ConnectionId;

    /// <summary>Whether the connection's key has the <c>pii</c> scope (<see cref="PersonalData"/>).</summary>
    public bool SeesPersonalData { get; }

    public void Post(string method, object message, DateTimeOffset? changedAt)
    {
        if (_queue.Writer.TryWrite((method, message, changedAt)) || !TryClose()) return;
        LogDropped(_logger, ConnectionId, _connection.User?.Identity?.Name, Capacity);
        _metrics.Dropped();
        _connection.Abort();
    }

    /// <summary>The connection closed: what is still queued is dropped with it.</summary>
    public void Close() => TryClose();

    private bool TryClose()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 1) return false;
        _queue.Writer.TryComplete();
        return true;
    }

    private async Task PumpAsync()
    {
        var aborted = _connection.ConnectionAborted;
        try
        {
            await foreach (var (method, message, changedAt) in _queue.Reader.ReadAllAsync(aborted))
            {
                try
                {
                    await _hub.Clients.Client(ConnectionId).SendAsync(method, message, aborted);
                    if (changedAt is { } made) _metrics.Pushed(made);
                }
                catch (Exception exception) when (!aborted.IsCancellationRequested)
                {
                    // One push that cannot be written (e.g. a profile that does not serialize) must not stop the ones after it.
                    LogSendFailed(_logger, exception, ConnectionId, method);
                    _metrics.Failed(RealtimeMetrics.Send);
                }
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The connection is gone, and with it whatever was still queued.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message =
        "Dropped SignalR connection {ConnectionId} of agent {Agent}: {Capacity} pushes were waiting, so it stopped reading")]
    private static partial void LogDropped(ILogger logger, string connectionId, string? agent, int capacity);

    [LoggerMessage(Level = LogLevel.Error, Message = "Sending {Method} to SignalR connection {ConnectionId} failed; the next pushes go on")]
    private static partial void LogSendFailed(ILogger logger, Exception exception, string connectionId, string method);
}
