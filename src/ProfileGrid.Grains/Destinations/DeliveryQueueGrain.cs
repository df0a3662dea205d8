using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using ProfileGrid.Customers;

namespace ProfileGrid.Destinations;

/// <summary>
/// One destination's queue for one partition of its customers (<see cref="IDeliveryQueueGrain.KeyOf"/>), in grain
/// storage <see cref="StorageName"/>: an enqueue is answered once stored, so a delivery owed survives its silo; the
/// head is sent (with its retries, <see cref="DeliverySender"/>) before the next, so deliveries leave in the order
/// queued; one taken or dead-lettered is removed (stored with the next write: one that a crash forgot is sent again,
/// with the same id). A timer keeps the activation and the sending alive while it lives; every silo's
/// <see cref="DeliveryTicker"/> activates it again after its silo went away.
/// </summary>
[Reentrant]
public sealed partial class DeliveryQueueGrain(
    [PersistentState("queue", DeliveryQueueGrain.StorageName)] IPersistentState<DeliveryQueueState> state,
    DestinationCatalog destinations,
    DeliverySender sender,
    IOptions<DeliveryOptions> options,
    [FromKeyedServices(DomainClock.Key)] TimeProvider clock,
    ILogger<DeliveryQueueGrain> logger) : Grain, IDeliveryQueueGrain, IDisposable
{
    public const string StorageName = "deliveries";

    private readonly CancellationTokenSource _stopping = new();
    private Task? _sending;
    private Task _lastWrite = Task.CompletedTask;
    private Task? _nextWrite;
    // The head while it is being sent: it stays the head until it is taken, dead-lettered or forgotten. An erasure
    // (Forget) about its customer stops its attempts (_forgetting, _sendingHead) and waits for it to settle.
    private Delivery? _inFlight;
    private bool _forgetting;
    private bool _headForgotten;
    private CancellationTokenSource? _sendingHead;
    private TaskCompletionSource _headSettled = NewSettled();

    private static TaskCompletionSource NewSettled()
    {
        var settled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        settled.SetResult();
        return settled;
    }

    private DeliveryLog _log = null!;

    private string Destination => this.GetPrimaryKeyString()[..this.GetPrimaryKeyString().LastIndexOf('/')];

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _log = new DeliveryLog(clock.GetUtcNow());
        this.RegisterGrainTimer(_ =>
        {
            StartSending();
            return Task.CompletedTask;
        }, new GrainTimerCreationOptions(options.Value.KeepRunningPeriod, options.Value.KeepRunningPeriod) { KeepAlive = true, Interleave = true });
        StartSending();
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_sending is not null) await _sending.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
    }

    public void Dispose() => _stopping.Dispose();

    /// <summary>
    /// The bodies a queue holds, in characters, whatever its length: a queue's state is one row of grain storage (Orleans'
    /// table provider holds about 1 MiB), and deliveries with properties are up to about 17 KiB each.
    /// </summary>
    public const int MaxQueueChars = 512 * 1024;

    public async Task Enqueue(Delivery[] deliveries)
    {
        var (_, overflow) = Take(deliveries);
        // Answered once what waits is stored (a skipped one may be in a write still under way); stored before the
        // dead letters are told, so a caller that retries after a failure finds these waiting and skips them.
        if (overflow.Count < deliveries.Length) await SaveAndSendAsync();
        if (overflow.Count > 0)
        {
            // The queue's state must stay small: past its bound the newest go to the dead letters, from where an admin redelivers them.
            const string Full = "the destination's queue was full";
            var now = clock.GetUtcNow();
            await DeadLetters.Add([.. overflow.Select(delivery => new DeadLetter(delivery, now, 0, Full))]);
            foreach (var delivery in overflow) _log.DeadLettered(delivery, 0, Full, now);
            DestinationMetrics.DeadLettered(Destination, overflow.Count);
            LogQueueFull(logger, Destination, this.GetPrimaryKeyString(), overflow.Count);
        }
    }

    public async Task<int> Requeue(Delivery[] deliveries)
    {
        // The dead letters call this: what does not fit stays with them (dead-lettering it here would call them back).
        var (fitted, _) = Take(deliveries);
        if (fitted > 0) await SaveAndSendAsync();
        return fitted;
    }

    /// <summary>
    /// Queues <paramref name="deliveries"/> in order, each unless one with its id is waiting already (a caller's retry
    /// after a crash: it is skipped, and counts as fitted), until one does not fit the queue's bounds. Answers how many
    /// from the first fitted (waiting already or queued), and those from the first that did not fit on that are not
    /// waiting already.
    /// </summary>
    private (int Fitted, List<Delivery> Overflow) Take(Delivery[] deliveries)
    {
        var items = state.State.Items;
        var waiting = items.Select(item => item.Id).ToHashSet(StringComparer.Ordinal);
        var chars = items.Sum(item => item.Body.Length);
        var (fitted, overflow) = (0, new List<Delivery>());
        foreach (var delivery in deliveries)
        {
            if (waiting.Contains(delivery.Id))
            {
                if (overflow.Count == 0) fitted++;
                continue;
            }

            if (overflow.Count > 0 || items.Count >= options.Value.MaxQueueLength || chars + delivery.Body.Length > MaxQueueChars)
            {
                overflow.Add(delivery);
                waiting.Add(delivery.Id);
                continue;
            }

            items.Add(delivery);
            waiting.Add(delivery.Id);
            chars += delivery.Body.Length;
            fitted++;
        }

        return (fitted, overflow);
    }

    private async Task SaveAndSendAsync()
    {
        await SaveAsync();
        StartSending();
    }

    /// <summary>What this queue did since its activation, and its depth now.</summary>
    public Task<QueueStatus> Status() => Task.FromResult(_log.Status(state.State.Items.Count));

    public Task<DeliveryRecord[]> Told(string customerId, int limit) => Task.FromResult(_log.Told(customerId, state.State.Items, limit));

    public Task Poke()
    {
        StartSending();
        return Task.CompletedTask;
    }

    public Task<int> Depth() => Task.FromResult(state.State.Items.Count);

    public async Task Forget(string[] customers)
    {
        var erased = customers.ToHashSet(StringComparer.Ordinal);
        // The head on its way about an erased customer: its attempts stop, and it is dropped, not dead-lettered (unless
        // its outcome was in already: then its dead letter is stored before this answers, for the dead letters' own
        // Forget, which an erasure calls after this). A head about another customer is left to go on.
        if (_inFlight is { } head && erased.Contains(head.CustomerId))
        {
            _forgetting = true;
            _sendingHead?.Cancel();
            await _headSettled.Task;
        }

        _log.Forget(erased);
        var items = state.State.Items;
        var keepHead = items.Count > 0 && ReferenceEquals(items[0], _inFlight);
        var kept = items.Where((item, index) => (index == 0 && keepHead) || !erased.Contains(item.CustomerId)).ToList();
        var dropped = items.Count - kept.Count;
        if (dropped == 0 && !_headForgotten) return;
        (state.State.Items, _headForgotten) = (kept, false);
        await SaveAsync();
        var queue = this.GetPrimaryKeyString();
        LogForgotten(logger, queue, dropped);
    }

    private IDeadLetterGrain DeadLetters => GrainFactory.GetGrain<IDeadLetterGrain>(Destination);

    private void StartSending()
    {
        if (state.State.Items.Count > 0 && (_sending is null || _sending.IsCompleted) && !_stopping.IsCancellationRequested) _sending = SendAsync(_stopping.Token);
    }

    private async Task SendAsync(CancellationToken stopping)
    {
        try
        {
            while (state.State.Items.Count > 0 && !stopping.IsCancellationRequested)
            {
                var head = _inFlight = state.State.Items[0];
                var settled = _headSettled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                try
                {
                    if (await destinations.FindAsync(Destination) is not { } destination)
                    {
                        // The destination was removed: what it was owed goes with it.
                        LogDroppedForRemoved(logger, Destination, state.State.Items.Count);
                        state.State.Items.Clear();
                        await SaveAsync();
                        // Nothing pokes a removed destination's queues: this one need not stay active.
                        DeactivateOnIdle();
                        return;
                    }

                    var outcome = await SendHeadAsync(destination, head, stopping);
                    if (stopping.IsCancellationRequested) return;
                    if (outcome is { Delivered: true })
                    {
                        var takenAt = clock.GetUtcNow();
                        _log.Delivered(head, outcome.Attempts, takenAt);
                        DestinationMetrics.LatencyBucket(Destination, takenAt - head.QueuedAt);
                    }
                    else if (outcome is { Delivered: false })
                    {
                        var deadAt = clock.GetUtcNow();
                        await DeadLetters.Add([new DeadLetter(head, deadAt, outcome.Attempts, outcome.Error ?? "failed")]);
                        _log.DeadLettered(head, outcome.Attempts, outcome.Error ?? "failed", deadAt);
                        DestinationMetrics.DeadLettered(Destination, 1);
                        LogDeadLettered(logger, Destination, head.Id, head.CustomerId, outcome.Attempts, outcome.Error);
                    }

                    // Only appends happen meanwhile (an erasure waits for this head to settle): the head is still the one sent.
                    state.State.Items.RemoveAt(0);
                    _headForgotten |= outcome is null;
                    _ = SaveQuietlyAsync();
                }
                finally
                {
                    (_inFlight, _forgetting) = (null, false);
                    settled.TrySetResult();
                }
            }
        }
        catch (Exception exception) when (!stopping.IsCancellationRequested)
        {
            // The head stays queued (stored); the timer starts the sending again.
            LogSendingStopped(logger, exception, this.GetPrimaryKeyString());
        }
    }

    /// <summary>Sends the head with its retries; null when an erasure stopped it (<see cref="Forget"/>).</summary>
    private async Task<DeliveryOutcome?> SendHeadAsync(DestinationDefinition destination, Delivery head, CancellationToken stopping)
    {
        using var sending = _sendingHead = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        try
        {
            if (_forgetting) return null;
            return await sender.SendAsync(destination, head, sending.Token, error => _log.AttemptFailed(head, error, clock.GetUtcNow()));
        }
        catch (Exception) when (_forgetting && !stopping.IsCancellationRequested)
        {
            return null;
        }
        finally
        {
            _sendingHead = null;
        }
    }

    /// <summary>Stores the queue as it is now, after the write before (one write at a time; callers meanwhile share the next).</summary>
    private Task SaveAsync()
    {
        if (_nextWrite is { } next) return next;
        var write = WriteAfterAsync(_lastWrite);
        _nextWrite = write;
        _lastWrite = write;
        return write;
    }

    private async Task WriteAfterAsync(Task previous)
    {
        await Task.Yield();
        await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        // Changes from here on need a write of their own.
        _nextWrite = null;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // Memory may now hold what storage does not: start again from what is stored (enqueue callers retry).
            DeactivateOnIdle();
            throw;
        }
    }

    private async Task SaveQuietlyAsync()
    {
        try
        {
            await SaveAsync();
        }
        catch (Exception exception)
        {
            // A removal not stored only means the delivery is sent again (same id) after a restart.
            LogSaveFailed(logger, exception, this.GetPrimaryKeyString());
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Destination {Destination} gave up on delivery {DeliveryId} about customer {CustomerId} after {Attempts} attempts ({Error}); it is a dead letter")]
    private static partial void LogDeadLettered(ILogger logger, string destination, string deliveryId, string customerId, int attempts, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Destination {Destination}'s queue {Queue} is full: {Count} deliveries went straight to its dead letters")]
    private static partial void LogQueueFull(ILogger logger, string destination, string queue, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Destination {Destination} was removed: {Count} deliveries queued for it were dropped")]
    private static partial void LogDroppedForRemoved(ILogger logger, string destination, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sending queue {Queue} stopped; it starts again at the next tick")]
    private static partial void LogSendingStopped(ILogger logger, Exception exception, string queue);

    [LoggerMessage(Level = LogLevel.Information, Message = "Queue {Queue} dropped {Count} deliveries about erased customers")]
    private static partial void LogForgotten(ILogger logger, string queue, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storing queue {Queue} after a delivery failed; the delivery may be sent again after a restart")]
    private static partial void LogSaveFailed(ILogger logger, Exception exception, string queue);
}

[GenerateSerializer, Alias("pg.DeliveryQueueState")]
public sealed class DeliveryQueueState
{
    [Id(0)] public List<Delivery> Items { get; set; } = [];
}
