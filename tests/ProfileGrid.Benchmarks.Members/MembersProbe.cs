using System.Diagnostics;
using System.Threading.Channels;
using ProfileGrid.LoadGenerator;
using ProfileGrid.Segments;

namespace ProfileGrid.Benchmarks.Members;

/// <summary>
/// Drives one segment's member index: <see cref="MembersOptions.Count"/> enter announcements from concurrent callers,
/// then member pages of 100 as the gateway reads them (every shard asked for its first 101 after the cursor, merged),
/// then membership checks; each read is timed one at a time, so its latency is the read's own.
/// </summary>
internal sealed class MembersProbe(IGrainFactory grains, MembersOptions options)
{
    public const string Segment = "bench-members";
    private const int PageSize = 100;
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(30);

    public async Task<MembersFigures> RunAsync()
    {
        using var memory = new MemorySampler();
        var (seconds, calls) = await EnterAsync();
        var counted = (await Task.WhenAll(Enumerable.Range(0, SegmentShards.Count).Select(shard => grains.For(Segment, shard).Count()))).Sum(count => (long)count);
        var (pages, pageMembers) = await PagesAsync();
        var (checks, wrong) = await ChecksAsync();
        return new MembersFigures(options, seconds, calls.Summary(), counted, pages.Summary(), pageMembers, checks.Summary(), wrong, memory.PeakHeapBytes);
    }

    private async Task<(double Seconds, LatencyHistogram Calls)> EnterAsync()
    {
        var calls = new LatencyHistogram();
        var batches = Channel.CreateBounded<MembershipChange[]>(options.Concurrency * 4);
        var at = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var sent = 0L;
        var producer = Task.Run(async () =>
        {
            // A batch holds announcements for one shard: ids are grouped by shard until a batch is full.
            var pending = new List<MembershipChange>[SegmentShards.Count];
            for (var shard = 0; shard < pending.Length; shard++) pending[shard] = new List<MembershipChange>(options.Batch);
            for (long i = 0; i < options.Count; i++)
            {
                var id = MemberIds.Of(i);
                var batch = pending[SegmentShards.Of(id)];
                batch.Add(new MembershipChange(Segment, id, Entered: true, ["bench.total = 1"], at, Sequence: 1));
                if (batch.Count < options.Batch) continue;
                await batches.Writer.WriteAsync([.. batch]);
                batch.Clear();
            }

            foreach (var batch in pending.Where(batch => batch.Count > 0)) await batches.Writer.WriteAsync([.. batch]);
            batches.Writer.Complete();
        });
        var callers = Enumerable.Range(0, options.Concurrency).Select(_ => Task.Run(async () =>
        {
            await foreach (var batch in batches.Reader.ReadAllAsync())
            {
                var started = Stopwatch.GetTimestamp();
                await grains.For(Segment, SegmentShards.Of(batch[0].CustomerId)).Update(batch);
                calls.Record(Stopwatch.GetElapsedTime(started));
                Interlocked.Add(ref sent, batch.Length);
            }
        })).ToList();
        using var progress = new Timer(_ => Console.Error.WriteLine(
            $"  {Interlocked.Read(ref sent):N0} announcements in {clock.Elapsed.TotalSeconds:N0} s, heap {GC.GetTotalMemory(false) / 1048576:N0} MiB"), null, ProgressEvery, ProgressEvery);
        await producer;
        await Task.WhenAll(callers);
        return (clock.Elapsed.TotalSeconds, calls);
    }

    private async Task<(LatencyHistogram Latency, long Members)> PagesAsync()
    {
        var latency = new LatencyHistogram();
        var random = new Random(11);
        var members = 0L;
        for (var i = 0; i < options.Pages; i++)
        {
            var after = i == 0 ? null : MemberIds.Of(random.NextInt64(options.Count));
            var started = Stopwatch.GetTimestamp();
            var shards = await Task.WhenAll(Enumerable.Range(0, SegmentShards.Count).Select(shard => grains.For(Segment, shard).Members(after, PageSize + 1)));
            var page = shards.SelectMany(shard => shard).OrderBy(member => member.CustomerId, StringComparer.Ordinal).Take(PageSize).ToList();
            latency.Record(Stopwatch.GetElapsedTime(started));
            members += page.Count;
        }

        return (latency, members);
    }

    private async Task<(LatencyHistogram Latency, int Wrong)> ChecksAsync()
    {
        var latency = new LatencyHistogram();
        var random = new Random(13);
        var wrong = 0;
        for (var i = 0; i < options.Checks; i++)
        {
            // Even checks ask for a member, odd ones for an id that never entered.
            var member = i % 2 == 0;
            var id = MemberIds.Of(member ? random.NextInt64(options.Count) : options.Count + random.NextInt64(options.Count));
            var started = Stopwatch.GetTimestamp();
            var found = await grains.For(Segment, SegmentShards.Of(id)).Contains(id);
            latency.Record(Stopwatch.GetElapsedTime(started));
            if ((found is not null) != member) wrong++;
        }

        return (latency, wrong);
    }

    /// <summary>Samples the managed heap every second: its largest size during the run.</summary>
    private sealed class MemorySampler : IDisposable
    {
        private readonly Timer _timer;
        private long _peak;

        public MemorySampler() => _timer = new Timer(_ => PeakHeapBytes = Math.Max(PeakHeapBytes, GC.GetTotalMemory(false)), null, TimeSpan.Zero, TimeSpan.FromSeconds(1));

        public long PeakHeapBytes
        {
            get => Interlocked.Read(ref _peak);
            private set => Interlocked.Exchange(ref _peak, value);
        }

        public void Dispose() => _timer.Dispose();
    }
}
