using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ProfileGrid.Customers;

namespace ProfileGrid.Destinations;

/// <summary>
/// A destination's dead letters (key: its name), in grain storage <see cref="DeliveryQueueGrain.StorageName"/>, at most
/// <see cref="DeliveryOptions.MaxDeadLetters"/>: past it the oldest are dropped, counted in <see cref="DeadLetterPage.Dropped"/>.
/// A redelivery queues letters again with their ids and bodies (a receiver that took one after all deduplicates it), as
/// queued now, so each has <see cref="DeliveryOptions.MaxAge"/> again, and removes them only once queued.
/// </summary>
public sealed partial class DeadLetterGrain(
    [PersistentState("letters", DeliveryQueueGrain.StorageName)] IPersistentState<DeadLetterState> state,
    IOptions<DeliveryOptions> options,
    [FromKeyedServices(DomainClock.Key)] TimeProvider clock,
    ILogger<DeadLetterGrain> logger) : Grain, IDeadLetterGrain
{
    /// <summary>The characters of bodies and errors the letters hold (<see cref="DeliveryQueueGrain.MaxQueueChars"/> says why).</summary>
    public const int MaxChars = 512 * 1024;

    public async Task Add(DeadLetter[] letters)
    {
        var kept = state.State.Letters;
        kept.AddRange(letters);
        var excess = Math.Max(kept.Count - options.Value.MaxDeadLetters, 0);
        // Bounded in characters too, as a queue is: the letters are one row of grain storage.
        for (var chars = kept.Skip(excess).Sum(letter => letter.Delivery.Body.Length + letter.Error.Length); chars > MaxChars && excess < kept.Count - 1; excess++)
            chars -= kept[excess].Delivery.Body.Length + kept[excess].Error.Length;
        if (excess > 0)
        {
            kept.RemoveRange(0, excess);
            state.State.Dropped += excess;
            LogDropped(logger, this.GetPrimaryKeyString(), excess);
        }

        await state.WriteStateAsync();
    }

    public Task<DeadLetterPage> List(int limit) =>
        Task.FromResult(new DeadLetterPage([.. state.State.Letters.Take(limit)], state.State.Letters.Count, state.State.Dropped));

    public async Task<int> Redeliver(int limit)
    {
        var letters = state.State.Letters.Take(limit).ToList();
        if (letters.Count == 0) return 0;
        var now = clock.GetUtcNow();
        // Each queue takes what fits; the rest stay here (a full queue asked to dead-letter them would call back into
        // this grain, busy with this call, and both would wait until the call timed out).
        var taken = await Task.WhenAll(letters
            .GroupBy(letter => options.Value.PartitionOf(letter.Delivery.CustomerId))
            .Select(async partition =>
            {
                var queued = partition.ToList();
                var count = await GrainFactory.GetGrain<IDeliveryQueueGrain>(IDeliveryQueueGrain.KeyOf(this.GetPrimaryKeyString(), partition.Key))
                    .Requeue([.. queued.Select(letter => letter.Delivery with { QueuedAt = now })]);
                return queued.Take(count);
            }));
        var redelivered = taken.SelectMany(letters => letters).ToHashSet(ReferenceEqualityComparer.Instance);
        if (redelivered.Count == 0) return 0;
        state.State.Letters.RemoveAll(redelivered.Contains);
        await state.WriteStateAsync();
        return redelivered.Count;
    }

    public async Task Clear()
    {
        state.State.Letters.Clear();
        await state.WriteStateAsync();
    }

    public async Task Forget(string[] customers)
    {
        var erased = customers.ToHashSet(StringComparer.Ordinal);
        if (state.State.Letters.RemoveAll(letter => erased.Contains(letter.Delivery.CustomerId)) > 0) await state.WriteStateAsync();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Destination {Destination} holds its maximum of dead letters: the {Count} oldest were dropped")]
    private static partial void LogDropped(ILogger logger, string destination, int count);
}

[GenerateSerializer, Alias("pg.DeadLetterState")]
public sealed class DeadLetterState
{
    [Id(0)] public List<DeadLetter> Letters { get; set; } = [];
    [Id(1)] public long Dropped { get; set; }
}
