using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;

namespace ProfileGrid.Destinations;

/// <summary>
/// Sends one delivery to its destination until it is taken or too old: each attempt is a signed POST (a fresh
/// <c>webhook-timestamp</c> and signature, the same <c>webhook-id</c>) bounded by <see cref="DeliveryOptions.AttemptTimeout"/>;
/// failed attempts are retried with exponential back-off and jitter up to <see cref="DeliveryOptions.MaxAge"/> from when
/// the delivery was queued. Each destination has its own Polly pipeline in this process, so its circuit breaker opens
/// for it alone: a failing destination is not sent to for <see cref="DeliveryOptions.BreakDuration"/>, and costs the
/// others nothing. Redirects are not followed (a 3xx is a failure).
/// </summary>
public sealed class DeliverySender(IOptions<DeliveryOptions> options, TimeProvider clock) : IDisposable
{
    private static readonly ResiliencePropertyKey<DateTimeOffset> QueuedAt = new("profilegrid.queuedAt");

    private readonly DeliveryOptions _options = options.Value;
    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectCallback = (context, cancellationToken) => ConnectAsync(context.DnsEndPoint, options.Value.AllowPrivateNetworks, cancellationToken),
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    /// <summary>
    /// Connects to the first of the host's addresses a delivery may go to (<see cref="DestinationAddresses"/>), checked
    /// after DNS on the address connected; refuses without connecting when there is none.
    /// </summary>
    /// <exception cref="DestinationAddressRefusedException">Every address of the host is one no delivery may go to.</exception>
    public static async ValueTask<Stream> ConnectAsync(System.Net.DnsEndPoint endpoint, bool allowPrivateNetworks, CancellationToken cancellationToken)
    {
        var addresses = System.Net.IPAddress.TryParse(endpoint.Host, out var literal)
            ? [literal]
            : await System.Net.Dns.GetHostAddressesAsync(endpoint.Host, cancellationToken);
        var allowed = addresses.Where(address => DestinationAddresses.IsAllowed(address, allowPrivateNetworks)).ToArray();
        if (allowed.Length == 0) throw new DestinationAddressRefusedException(endpoint.Host, addresses);
        var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, endpoint.Port, cancellationToken);
            return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private readonly ConcurrentDictionary<string, (DateTimeOffset Version, ResiliencePipeline Pipeline)> _pipelines = new(StringComparer.Ordinal);

    /// <summary>Sends until taken or given up on; <paramref name="attemptFailed"/> hears each failed attempt's error as it happens.</summary>
    public async Task<DeliveryOutcome> SendAsync(DestinationDefinition destination, Delivery delivery, CancellationToken cancellationToken, Action<string>? attemptFailed = null)
    {
        var pipeline = PipelineOf(destination);
        var attempts = 0;
        string? error = null;
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(QueuedAt, delivery.QueuedAt);
        try
        {
            await pipeline.ExecuteAsync(
                async attempt =>
                {
                    attempts++;
                    try
                    {
                        await AttemptAsync(destination, delivery, attempt.CancellationToken);
                    }
                    catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
                    {
                        // Cancelled here but not by the caller: the attempt's timeout (Polly names it only outside the attempt).
                        var timedOut = exception is OperationCanceledException && attempt.CancellationToken.IsCancellationRequested;
                        error = timedOut ? NoAnswer : Describe(exception);
                        DestinationMetrics.Failed(destination.Name);
                        DestinationMetrics.AttemptError(destination.Name, timedOut ? "timeout" : Kind(exception));
                        attemptFailed?.Invoke(error);
                        throw;
                    }
                },
                context);
            DestinationMetrics.Delivered(destination.Name, clock.GetUtcNow() - delivery.QueuedAt);
            return new DeliveryOutcome(true, attempts, null);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            return new DeliveryOutcome(false, attempts, error ?? Describe(exception));
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    public void Dispose() => _http.Dispose();

    private async Task AttemptAsync(DestinationDefinition destination, Delivery delivery, CancellationToken cancellationToken)
    {
        var body = Encoding.UTF8.GetBytes(delivery.Body);
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, destination.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(DeliveryEvents.ContentType);
        foreach (var (name, value) in destination.Headers)
        {
            if (!request.Headers.TryAddWithoutValidation(name, value)) request.Content.Headers.TryAddWithoutValidation(name, value);
        }

        request.Headers.TryAddWithoutValidation("webhook-id", delivery.Id);
        request.Headers.TryAddWithoutValidation("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("webhook-signature", WebhookSigner.Sign(destination.Secret, delivery.Id, timestamp, body));
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode) throw new DeliveryRejectedException((int)response.StatusCode);
    }

    private ResiliencePipeline PipelineOf(DestinationDefinition destination)
    {
        if (_pipelines.TryGetValue(destination.Name, out var known) && known.Version == destination.DefinedAt) return known.Pipeline;
        var built = (destination.DefinedAt, Build(destination.Name));
        return _pipelines.AddOrUpdate(destination.Name, built, (_, existing) => existing.Version == destination.DefinedAt ? existing : built).Pipeline;
    }

    private ResiliencePipeline Build(string name) => new ResiliencePipelineBuilder { TimeProvider = clock }
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = args => ValueTask.FromResult(
                args.Outcome.Exception is not null
                && !args.Context.CancellationToken.IsCancellationRequested
                && clock.GetUtcNow() - args.Context.Properties.GetValue(QueuedAt, clock.GetUtcNow()) < _options.MaxAge),
            MaxRetryAttempts = int.MaxValue,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = _options.FirstRetryDelay,
            MaxDelay = _options.MaxRetryDelay,
            OnRetry = _ =>
            {
                DestinationMetrics.Retrying(name);
                return ValueTask.CompletedTask;
            },
        })
        .AddCircuitBreaker(new CircuitBreakerStrategyOptions
        {
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is not null and not OperationCanceledException),
            FailureRatio = 0.5,
            MinimumThroughput = 5,
            SamplingDuration = TimeSpan.FromSeconds(30),
            BreakDuration = _options.BreakDuration,
        })
        .AddTimeout(_options.AttemptTimeout)
        .Build();

    private const string NoAnswer = "no answer within the attempt timeout";

    private static string Describe(Exception exception) => exception switch
    {
        DeliveryRejectedException rejected => rejected.Message,
        Polly.Timeout.TimeoutRejectedException => NoAnswer,
        BrokenCircuitException => "the destination's circuit is open after repeated failures",
        HttpRequestException { InnerException: DestinationAddressRefusedException refused } => refused.Message,
        HttpRequestException http => $"request failed: {http.Message}",
        _ => $"{exception.GetType().Name}: {exception.Message}",
    };

    /// <summary>What failed, as a tag of few values (<c>profilegrid.destinations.attempt_errors</c>): the error's text is in the queue's status.</summary>
    private static string Kind(Exception exception) => exception switch
    {
        DeliveryRejectedException rejected => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"http_{rejected.Status}"),
        Polly.Timeout.TimeoutRejectedException => "timeout",
        BrokenCircuitException => "circuit_open",
        HttpRequestException { InnerException: DestinationAddressRefusedException } => "address_refused",
        HttpRequestException => "connection",
        _ => "other",
    };
}

/// <summary>How a delivery ended: taken, or given up on after <paramref name="Attempts"/> with <paramref name="Error"/>.</summary>
public sealed record DeliveryOutcome(bool Delivered, int Attempts, string? Error);

/// <summary>Every address of a destination's host is one deliveries may not go to (<see cref="DestinationAddresses"/>).</summary>
public sealed class DestinationAddressRefusedException(string host, IReadOnlyList<System.Net.IPAddress> addresses) : Exception(
    addresses.Count == 0
        ? $"{host} has no address"
        : $"{host} is at {string.Join(", ", addresses)}, where deliveries may not go ({DestinationAddresses.Classify(addresses[0]).ToString().ToLowerInvariant()} address; a private network needs ProfileGrid:Destinations:AllowPrivateNetworks)")
{
    public string Host { get; } = host;
}

/// <summary>The destination answered, but not with 2xx.</summary>
public sealed class DeliveryRejectedException(int status) : Exception($"the destination answered HTTP {status}")
{
    public int Status { get; } = status;
}
