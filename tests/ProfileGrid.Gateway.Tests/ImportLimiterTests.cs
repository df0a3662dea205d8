using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ProfileGrid.Gateway.Importing;
using ProfileGrid.Gateway.Ingestion;

namespace ProfileGrid.Gateway.Tests;

/// <summary>
/// The imports' share of capacity follows live traffic: all of <c>MaxConcurrentBatches</c> while no live event came
/// for a second, <c>MaxConcurrentBatchesWithLiveTraffic</c> while they come, in both directions, batches let in in the
/// order they came, and a cancelled wait gives its turn away. The clock is a fake one: nothing here waits for time.
/// </summary>
public sealed class ImportLimiterTests
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-12-07T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public async Task Without_live_traffic_the_import_has_all_its_batches_and_with_it_one()
    {
        var live = new LiveTraffic(_clock);
        using var limiter = Limiter(live, alone: 4, withLive: 1);

        var first = await Enter(limiter, 4);
        Assert.Equal(4, limiter.InFlight);
        var fifth = limiter.EnterAsync(100, CancellationToken.None);
        Assert.False(fifth.IsCompleted);

        // Live events come: the share is one batch, so returning batches let none in until all four are back.
        live.Seen();
        foreach (var slot in first.Take(3)) slot.Dispose();
        Assert.False(fifth.IsCompleted);
        Assert.Equal(1, limiter.InFlight);
        first[3].Dispose();
        (await fifth).Dispose();
        Assert.Equal(0, limiter.InFlight);

        // Within the second after the last live event it is still one; from the second on, four again.
        var one = await limiter.EnterAsync(100, CancellationToken.None);
        _clock.Advance(LiveTraffic.Window - TimeSpan.FromMilliseconds(1));
        var held = limiter.EnterAsync(100, CancellationToken.None);
        Assert.False(held.IsCompleted);
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        one.Dispose();
        (await held).Dispose();
        Assert.Equal(4, (await Enter(limiter, 4)).Length);
    }

    [Fact]
    public async Task When_live_traffic_ends_a_returning_batch_lets_in_as_many_as_the_whole_share_in_the_order_they_came()
    {
        var live = new LiveTraffic(_clock);
        using var limiter = Limiter(live, alone: 3, withLive: 1);
        live.Seen();
        var only = await limiter.EnterAsync(10, CancellationToken.None);
        var waiting = Enumerable.Range(0, 4).Select(_ => limiter.EnterAsync(10, CancellationToken.None)).ToList();
        Assert.All(waiting, wait => Assert.False(wait.IsCompleted));

        _clock.Advance(LiveTraffic.Window);
        only.Dispose();

        // Let in now (their waits finish on the thread pool: awaited, not read at once), the fourth still waiting.
        Assert.Equal(3, limiter.InFlight);
        await Task.WhenAll(waiting.Take(3)).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(waiting[3].IsCompleted);
        (await waiting[0]).Dispose();
        Assert.Equal(3, limiter.InFlight);
        (await waiting[3].WaitAsync(TimeSpan.FromSeconds(10))).Dispose();
    }

    [Fact]
    public async Task A_cancelled_wait_throws_and_gives_its_turn_to_the_next()
    {
        var live = new LiveTraffic(_clock);
        using var limiter = Limiter(live, alone: 1, withLive: 1);
        var only = await limiter.EnterAsync(10, CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var cancelled = limiter.EnterAsync(10, cancel.Token);
        var next = limiter.EnterAsync(10, CancellationToken.None);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        only.Dispose();

        (await next).Dispose();
        Assert.Equal(0, limiter.InFlight);
    }

    [Fact]
    public void A_live_share_above_the_whole_share_is_refused()
    {
        var problems = new ImportOptions { MaxConcurrentBatches = 2, MaxConcurrentBatchesWithLiveTraffic = 3 }.Problems().ToList();
        Assert.Equal(["MaxConcurrentBatchesWithLiveTraffic must be 1 to 2, not 3."], problems);
    }

    private static ImportLimiter Limiter(LiveTraffic live, int alone, int withLive) =>
        new(Options.Create(new ImportOptions { MaxConcurrentBatches = alone, MaxConcurrentBatchesWithLiveTraffic = withLive }), live);

    private static async Task<IDisposable[]> Enter(ImportLimiter limiter, int count) =>
        await Task.WhenAll(Enumerable.Range(0, count).Select(_ => limiter.EnterAsync(100, CancellationToken.None)));
}
