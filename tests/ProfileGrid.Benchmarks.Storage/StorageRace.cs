using System.Diagnostics;
using System.Diagnostics.Metrics;
using Orleans.Serialization;
using Orleans.Storage;
using ProfileGrid.Customers;
using ProfileGrid.Events;
using ProfileGrid.Storage;
using ProfileGrid.Testing;

namespace ProfileGrid.Benchmarks.Storage;

/// <summary>
/// The same customer writes through both storages, one after the other: each customer's first write stores the
/// sample customer, each later one adds one event. Orleans' grain storage writes the whole state every time (what an
/// <c>IPersistentState&lt;CustomerState&gt;</c> would); the journal stores a compressed snapshot first and then only
/// each write's entry (what <see cref="CustomerJournal"/> does while the entries stay small).
/// </summary>
internal sealed class StorageRace(IGrainStorage wholeState, IJournalStorage journal, Serializer serializer, StorageOptions options)
{
    private const string StateName = "customer";
    private readonly CustomerCodec _codec = new(serializer);

    /// <summary>The customer after each write: the sample, then one more event per write (shared, read-only, by every customer).</summary>
    private readonly CustomerState[] _states = States(options);

    public async Task<StorageFigures> RunAsync()
    {
        // A short round of each first, so that neither pays the JIT and the first connections in its figures.
        await RunAsync("warm-up", options.Customers / 20 + 1, WholeStateAsync);
        await RunAsync("warm-up", options.Customers / 20 + 1, JournalAsync);
        var whole = await RunAsync("bench", options.Customers, WholeStateAsync);
        var journalled = await RunAsync("bench", options.Customers, JournalAsync);
        return new StorageFigures(options, [
            whole with { Name = "Orleans' AzureTableGrainStorage, whole state", Requests = null, Bytes = [.. _states.Select(state => serializer.SerializeToArray(state).Length)] },
            journalled with { Name = "journal storage, the change", Bytes = [.. JournalPayloads().Select(payload => payload.Length)] },
        ]);
    }

    private async Task WholeStateAsync(string key)
    {
        var grainState = new GrainState<CustomerState>();
        var grainId = GrainId.Create("customer", key);
        foreach (var state in _states)
        {
            grainState.State = state;
            await wholeState.WriteStateAsync(StateName, grainId, grainState);
        }
    }

    private async Task JournalAsync(string key)
    {
        var version = JournalVersion.None;
        var first = true;
        foreach (var payload in JournalPayloads())
        {
            version = await journal.WriteAsync(key, version, first ? JournalWrite.Snapshot(payload) : JournalWrite.Append(payload));
            first = false;
        }
    }

    /// <summary>What the journal stores for one customer's writes, encoded as each write comes.</summary>
    private IEnumerable<byte[]> JournalPayloads()
    {
        yield return _codec.Encode(_states[0], compress: true);
        for (var write = 1; write < _states.Length; write++)
        {
            var at = SampleCustomers.Now.AddSeconds(write);
            yield return _codec.Encode(new CustomerEntry(_states[write].Seq, at, [new EventsChange("webshop", [Event(write)], at)]), compress: false);
        }
    }

    private async Task<StorageRun> RunAsync(string prefix, int customers, Func<string, Task> writeCustomer)
    {
        using var requests = new RequestCount();
        var started = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, customers),
            new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency },
            async (customer, _) => await writeCustomer($"{prefix}-{customer}"));
        var elapsed = Stopwatch.GetElapsedTime(started);
        return new StorageRun("", customers * _states.Length, elapsed, requests.Journal, []);
    }

    private static CustomerState[] States(StorageOptions options)
    {
        var states = new CustomerState[options.Writes];
        for (var write = 0; write < options.Writes; write++)
        {
            var state = SampleCustomers.Build(options.Customer);
            for (var added = 1; added <= write; added++)
            {
                state.Apply("webshop", [Event(added)], SampleCustomers.Now.AddSeconds(added));
                state.Seq++;
            }

            states[write] = state;
        }

        return states;
    }

    private static CustomerEvent Event(int write) => SampleCustomers.Event(100_000 + write, SampleCustomers.Now.AddSeconds(write));

    /// <summary>Counts the journal storage's table requests (its meter <c>ProfileGrid.Storage</c>, docs/storage.md) while it lives.</summary>
    private sealed class RequestCount : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _journal;

        public RequestCount()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "ProfileGrid.Storage" && instrument.Name == "profilegrid.journal.requests") listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _journal, value));
            _listener.Start();
        }

        public long Journal => Interlocked.Read(ref _journal);

        public void Dispose() => _listener.Dispose();
    }
}
