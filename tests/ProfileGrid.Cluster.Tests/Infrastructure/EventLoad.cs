using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;

namespace ProfileGrid.Cluster.Tests.Infrastructure;

/// <summary>
/// Producers that post batches of unique events to the gateway and retry each batch, unchanged, until it is
/// acknowledged with a <c>202</c>; every attempt is recorded with its timing for the failover measurements.
/// </summary>
internal sealed class EventLoad(HttpClient gateway, string runId, LoadShape shape)
{
    private static readonly string[] Types = ["purchase", "page_view", "cart_add"];
    private readonly Stopwatch _clock = new();
    private readonly ConcurrentQueue<Attempt> _attempts = new();
    private readonly ConcurrentQueue<(EventBatch Batch, EventsAnswer Answer, int Tries)> _acknowledged = new();
    private readonly ConcurrentQueue<EventBatch> _givenUp = new();

    public LoadShape Shape => shape;

    /// <summary>Time since the load started, on the clock every <see cref="Attempt"/> uses.</summary>
    public TimeSpan Now => _clock.Elapsed;

    public IReadOnlyCollection<Attempt> Attempts => _attempts;

    public IReadOnlyCollection<(EventBatch Batch, EventsAnswer Answer, int Tries)> Acknowledged => _acknowledged;

    public IReadOnlyCollection<EventBatch> GivenUp => _givenUp;

    public IEnumerable<string> CustomerIds => Enumerable.Range(0, shape.Customers).Select(CustomerId);

    /// <summary>
    /// Runs every producer until each has had all its batches acknowledged or given up, or, once
    /// <paramref name="stopProducing"/> is cancelled, until the batch it is posting is acknowledged or given up.
    /// </summary>
    public Task RunAsync(CancellationToken cancellationToken, CancellationToken stopProducing = default)
    {
        _clock.Start();
        return Task.WhenAll(Enumerable.Range(0, shape.Producers)
            .Select(p => Task.Run(() => ProduceAsync(p, stopProducing, cancellationToken), CancellationToken.None)));
    }

    /// <summary>Waits until <paramref name="batches"/> batches are acknowledged, the load ended, or the token is cancelled.</summary>
    public async Task WaitForAcknowledgedAsync(int batches, Task load, CancellationToken cancellationToken)
    {
        while (_acknowledged.Count < batches && !load.IsCompleted && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(20, CancellationToken.None);
        }
    }

    /// <summary>Per customer and event type, the count and value sum of every acknowledged event, each once.</summary>
    public Dictionary<string, Dictionary<string, (long Count, decimal Sum)>> ExpectedTotals()
    {
        var totals = CustomerIds.ToDictionary(id => id, _ => new Dictionary<string, (long Count, decimal Sum)>(), StringComparer.Ordinal);
        foreach (var e in _acknowledged.SelectMany(a => a.Batch.Events).DistinctBy(e => e.Id))
        {
            var perType = totals[e.CustomerId];
            var (count, sum) = perType.GetValueOrDefault(e.Type);
            perType[e.Type] = (count + 1, sum + e.Value);
        }

        return totals;
    }

    private async Task ProduceAsync(int producer, CancellationToken stopProducing, CancellationToken cancellationToken)
    {
        var random = new Random(producer * 7919 + 17);
        for (var sequence = 0; sequence < shape.BatchesPerProducer && !stopProducing.IsCancellationRequested; sequence++)
        {
            var batch = NextBatch(producer, sequence, random);
            if (!await PostUntilAcknowledgedAsync(batch, cancellationToken))
            {
                _givenUp.Enqueue(batch);
            }

            if (shape.PauseBetweenBatches > TimeSpan.Zero)
            {
                await Task.Delay(shape.PauseBetweenBatches, CancellationToken.None);
            }
        }
    }

    private async Task<bool> PostUntilAcknowledgedAsync(EventBatch batch, CancellationToken cancellationToken)
    {
        var firstTry = Now;
        for (var attempt = 1; !cancellationToken.IsCancellationRequested && Now - firstTry < shape.GiveUpAfter; attempt++)
        {
            var sent = Now;
            int status;
            string? error = null;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(shape.RequestTimeout);
                using var response = await gateway.PostAsJsonAsync(new Uri("v1/events", UriKind.Relative), batch.Body, timeout.Token);
                var body = await response.Content.ReadAsStringAsync(timeout.Token);
                status = (int)response.StatusCode;
                if (status == 202)
                {
                    var answer = EventsAnswer.Parse(body);
                    _attempts.Enqueue(new Attempt(batch, attempt, sent, Now, status, null));
                    _acknowledged.Enqueue((batch, answer, attempt));
                    return true;
                }

                error = body.Length > 300 ? body[..300] : body;
            }
            catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException or IOException)
            {
                status = 0;
                error = exception.GetType().Name + ": " + exception.Message;
            }

            _attempts.Enqueue(new Attempt(batch, attempt, sent, Now, status, error));
            try
            {
                await Task.Delay(shape.RetryDelay, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return false;
    }

    private EventBatch NextBatch(int producer, int sequence, Random random)
    {
        var events = new TestEvent[shape.EventsPerBatch];
        for (var i = 0; i < events.Length; i++)
        {
            var id = string.Create(CultureInfo.InvariantCulture, $"{runId}-p{producer}-b{sequence}-e{i}");
            // Multiples of 0.25 add up exactly in the grain's doubles, so sums compare exactly.
            var value = random.Next(1, 41) * 0.25m;
            events[i] = new TestEvent(id, Types[random.Next(Types.Length)], CustomerId(random.Next(shape.Customers)), value);
        }

        return new EventBatch(producer, sequence, events);
    }

    private string CustomerId(int index) => string.Create(CultureInfo.InvariantCulture, $"{runId}-c{index:00}");
}
