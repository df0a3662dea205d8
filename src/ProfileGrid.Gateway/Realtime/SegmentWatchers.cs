using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using ProfileGrid.Segments;

namespace ProfileGrid.Gateway.Realtime;

/// <summary>
/// The hub's segment watches: which connections watch which segments, this gateway's one observer of segment
/// changes, and its subscriptions at every shard of each watched segment (made by the first watcher, renewed every
/// <see cref="RealtimeOptions.SegmentRenewPeriod"/> so they outlive shard moves, dropped with the last watcher).
/// </summary>
public sealed partial class SegmentWatchers(
    IGrainFactory grains,
    ConnectionOutboxes outboxes,
    IOptions<RealtimeOptions> options,
    TimeProvider clock,
    ILogger<SegmentWatchers> logger) : BackgroundService, ISegmentObserver
{
    public const int MaxSegmentsPerConnection = 20;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, HashSet<string>> _watchers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _byConnection = new(StringComparer.Ordinal);
    private ISegmentObserver? _reference;

    private ISegmentObserver Reference => _reference ??= grains.CreateObjectReference<ISegmentObserver>(this);

    /// <summary>Adds the watch; subscribes this gateway at the segment's shards if it is the segment's first here.</summary>
    public async Task WatchAsync(string connectionId, string segment)
    {
        bool first;
        lock (_lock)
        {
            var mine = _byConnection.TryGetValue(connectionId, out var set) ? set : _byConnection[connectionId] = new(StringComparer.Ordinal);
            if (!mine.Contains(segment) && mine.Count >= MaxSegmentsPerConnection)
                throw new HubException($"A connection may watch at most {MaxSegmentsPerConnection} segments at once; unwatch one before watching another.");
            mine.Add(segment);
            var connections = _watchers.TryGetValue(segment, out var watching) ? watching : _watchers[segment] = new(StringComparer.Ordinal);
            first = connections.Count == 0;
            connections.Add(connectionId);
        }

        if (first) await SubscribeAsync(segment);
    }

    public async Task UnwatchAsync(string connectionId, string segment)
    {
        bool last;
        lock (_lock)
        {
            if (_byConnection.TryGetValue(connectionId, out var mine)) mine.Remove(segment);
            if (!_watchers.TryGetValue(segment, out var connections) || !connections.Remove(connectionId)) return;
            last = connections.Count == 0;
            if (last) _watchers.Remove(segment);
        }

        if (last) await UnsubscribeAsync(segment);
    }

    public async Task DisconnectAsync(string connectionId)
    {
        string[] segments;
        lock (_lock)
        {
            if (!_byConnection.Remove(connectionId, out var mine)) return;
            segments = [.. mine];
        }

        foreach (var segment in segments) await UnwatchAsync(connectionId, segment);
    }

    public Task SegmentChanged(MembershipChange change)
    {
        string[] connections;
        lock (_lock)
        {
            if (!_watchers.TryGetValue(change.Segment, out var watching)) return Task.CompletedTask;
            connections = [.. watching];
        }

        outboxes.PostSegmentChange(connections, new SegmentChangedMessage(change.CustomerId, change.Segment, change.Entered, change.Reasons, change.At));
        return Task.CompletedTask;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SegmentRenewPeriod, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            string[] segments;
            lock (_lock) segments = [.. _watchers.Keys];
            foreach (var segment in segments) await SubscribeAsync(segment);
        }
    }

    private async Task SubscribeAsync(string segment)
    {
        try
        {
            await Task.WhenAll(Enumerable.Range(0, SegmentShards.Count).Select(shard => grains.For(segment, shard).Subscribe(Reference)));
        }
        catch (Exception exception)
        {
            // The renewal subscribes again.
            LogSubscribeFailed(logger, exception, segment);
        }
    }

    private async Task UnsubscribeAsync(string segment)
    {
        try
        {
            await Task.WhenAll(Enumerable.Range(0, SegmentShards.Count).Select(shard => grains.For(segment, shard).Unsubscribe(Reference)));
        }
        catch (Exception exception)
        {
            // A subscription not renewed expires.
            LogUnsubscribeFailed(logger, exception, segment);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscribing to segment {Segment} failed; the next renewal tries again")]
    private static partial void LogSubscribeFailed(ILogger logger, Exception exception, string segment);

    [LoggerMessage(Level = LogLevel.Information, Message = "Unsubscribing from segment {Segment} failed; the subscription expires")]
    private static partial void LogUnsubscribeFailed(ILogger logger, Exception exception, string segment);
}
