using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;

namespace ProfileGrid.Client;

/// <summary>
/// Sends events to a ProfileGrid gateway from a .NET producer. <see cref="TrackAsync"/> queues an event and returns;
/// a background loop sends the queue in batches (<see cref="ProfileGridClientOptions.MaxBatchSize"/> events, or what
/// arrived within <see cref="ProfileGridClientOptions.MaxBatchDelay"/>) to <c>POST /v1/events</c>. A batch that fails
/// transiently is sent again, byte for byte (the same event ids, so the gateway applies each once), after exponential
/// delays with jitter (Polly). The queue is bounded: when it is full, <see cref="TrackAsync"/> waits (back-pressure)
/// and <see cref="TryTrack"/> says no. <see cref="FlushAsync"/> returns once everything queued before it was sent;
/// disposing flushes. What happens is logged and counted (meter <see cref="MeterName"/>): accepted, duplicate,
/// rejected (with the gateway's reason) and dropped events (a batch the gateway refused as a whole, or still failing
/// after every retry), and retries. Thread-safe.
/// </summary>
public sealed partial class ProfileGridClient : IAsyncDisposable
{
    /// <summary>The name of the client's <see cref="System.Diagnostics.Metrics.Meter"/>.</summary>
    public const string MeterName = ClientMetrics.MeterName;

    private readonly ProfileGridClientOptions _options;
    private readonly Channel<object> _queue;
    private readonly HttpClient _http;
    private readonly ResiliencePipeline<HttpResponseMessage> _retry;
    private readonly ILogger _logger;
    private readonly ClientMetrics _metrics;
    private readonly Task _sender;

    /// <param name="options">Where and how to send.</param>
    /// <param name="logger">Where to log retries, rejections and drops.</param>
    /// <param name="handler">The HTTP handler to send with (for tests or a shared handler); a new one by default.</param>
    /// <param name="meters">Where to create the meter (dependency injection's); its own by default.</param>
    public ProfileGridClient(ProfileGridClientOptions options, ILogger<ProfileGridClient>? logger = null, HttpMessageHandler? handler = null, System.Diagnostics.Metrics.IMeterFactory? meters = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        (_options, _logger, _metrics) = (options, logger ?? NullLogger<ProfileGridClient>.Instance, new ClientMetrics(meters));
        _http = new HttpClient(handler ?? new SocketsHttpHandler(), disposeHandler: handler is null) { BaseAddress = options.Endpoint, Timeout = options.RequestTimeout };
        _http.DefaultRequestHeaders.Add("X-Api-Key", options.ApiKey);
        _queue = Channel.CreateBounded<object>(new BoundedChannelOptions(options.QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _retry = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = Math.Max(options.MaxRetries, 1),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryDelay,
                MaxDelay = options.MaxRetryDelay,
                ShouldHandle = arguments => ValueTask.FromResult(options.MaxRetries > 0 && IsTransient(arguments.Outcome)),
                OnRetry = arguments =>
                {
                    _metrics.Retried();
                    if (_logger.IsEnabled(LogLevel.Information))
                    {
                        var outcome = Describe(arguments.Outcome);
                        LogRetry(_logger, arguments.AttemptNumber + 1, outcome, arguments.RetryDelay);
                    }

                    arguments.Outcome.Result?.Dispose();
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
        _sender = Task.Run(SendLoopAsync);
    }

    /// <summary>Queues the event; waits while the queue is full.</summary>
    /// <exception cref="ArgumentException">The event names neither a customer nor an anonymous id, or has no id or type.</exception>
    /// <exception cref="ChannelClosedException">The client was disposed.</exception>
    public ValueTask TrackAsync(ProfileEvent profileEvent, CancellationToken cancellationToken = default)
    {
        Check(profileEvent);
        return _queue.Writer.WriteAsync(profileEvent, cancellationToken);
    }

    /// <summary>Queues the event if there is room; false (and counted as refused) when the queue is full or the client disposed.</summary>
    public bool TryTrack(ProfileEvent profileEvent)
    {
        Check(profileEvent);
        if (_queue.Writer.TryWrite(profileEvent)) return true;
        _metrics.Counted(ClientMetrics.Refused, 1);
        return false;
    }

    /// <summary>Returns once every event queued before the call was sent (accepted, rejected or dropped: see the log and metrics).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var flush = new FlushRequest();
        await _queue.Writer.WriteAsync(flush, cancellationToken);
        await flush.Done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Sends what is queued, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _sender;
        _http.Dispose();
        _metrics.Dispose();
    }

    private async Task SendLoopAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<ProfileEvent>(_options.MaxBatchSize);
        var flushes = new List<FlushRequest>();
        while (await reader.WaitToReadAsync())
        {
            long? firstAt = null;
            while (batch.Count < _options.MaxBatchSize && flushes.Count == 0)
            {
                if (reader.TryRead(out var item))
                {
                    if (item is FlushRequest flush) flushes.Add(flush);
                    else batch.Add((ProfileEvent)item);
                    firstAt ??= Stopwatch.GetTimestamp();
                    continue;
                }

                var left = _options.MaxBatchDelay - Stopwatch.GetElapsedTime(firstAt ?? Stopwatch.GetTimestamp());
                if (left <= TimeSpan.Zero) break;
                using var wait = new CancellationTokenSource(left);
                try
                {
                    if (!await reader.WaitToReadAsync(wait.Token)) break;
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            if (batch.Count > 0) await SendAsync(batch);
            batch.Clear();
            foreach (var flush in flushes) flush.Done.TrySetResult();
            flushes.Clear();
        }
    }

    /// <summary>Sends one batch with its retries; never throws: the outcome is logged and counted.</summary>
    private async Task SendAsync(List<ProfileEvent> batch)
    {
        var body = Encode(batch);
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await _retry.ExecuteAsync(async token =>
            {
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new("application/json");
                return await _http.PostAsync(new Uri("v1/events", UriKind.Relative), content, token);
            }, CancellationToken.None);
            _metrics.Sent(Stopwatch.GetElapsedTime(started));
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                await CountAsync(response, batch);
                return;
            }

            _metrics.Counted(ClientMetrics.Dropped, batch.Count);
            if (_logger.IsEnabled(LogLevel.Error)) LogBatchRefused(_logger, batch.Count, (int)response.StatusCode, await response.Content.ReadAsStringAsync());
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            _metrics.Counted(ClientMetrics.Dropped, batch.Count);
            LogBatchFailed(_logger, exception, batch.Count, _options.MaxRetries);
        }
    }

    private async Task CountAsync(HttpResponseMessage response, List<ProfileEvent> batch)
    {
        using var answer = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync());
        var root = answer.RootElement;
        _metrics.Counted(ClientMetrics.Accepted, root.GetProperty("accepted").GetInt32());
        _metrics.Counted(ClientMetrics.Duplicate, root.GetProperty("duplicates").GetInt32());
        foreach (var rejection in root.GetProperty("rejected").EnumerateArray())
        {
            _metrics.Counted(ClientMetrics.Rejected, 1);
            var index = rejection.GetProperty("index").GetInt32();
            if (_logger.IsEnabled(LogLevel.Warning)) LogEventRejected(_logger, index < batch.Count ? batch[index].Id : "?", rejection.GetProperty("error").GetString());
        }
    }

    /// <summary>The batch as <c>{"events": [...]}</c>, encoded once: every retry sends these bytes.</summary>
    private static byte[] Encode(List<ProfileEvent> batch)
    {
        var buffer = new ArrayBufferWriter<byte>(batch.Count * 256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("events");
            foreach (var item in batch)
            {
                json.WriteStartObject();
                json.WriteString("id", item.Id);
                json.WriteString("type", item.Type);
                if (item.CustomerId is not null) json.WriteString("customerId", item.CustomerId);
                if (item.AnonymousId is not null) json.WriteString("anonymousId", item.AnonymousId);
                if (item.Timestamp is { } timestamp) json.WriteString("timestamp", timestamp);
                if (item.Value is { } value) json.WriteNumber("value", value);
                if (item.Channel is not null) json.WriteString("channel", item.Channel);
                if (item.Properties is { } properties)
                {
                    json.WritePropertyName("properties");
                    json.WriteStartObject();
                    foreach (var (name, property) in properties)
                    {
                        json.WritePropertyName(name);
                        JsonSerializer.Serialize(json, property, property?.GetType() ?? typeof(object));
                    }

                    json.WriteEndObject();
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void Check(ProfileEvent profileEvent)
    {
        ArgumentNullException.ThrowIfNull(profileEvent);
        if (string.IsNullOrEmpty(profileEvent.Id) || string.IsNullOrEmpty(profileEvent.Type))
            throw new ArgumentException("An event needs an id and a type.", nameof(profileEvent));
        if (profileEvent.CustomerId is null && profileEvent.AnonymousId is null)
            throw new ArgumentException("An event names a customer id or an anonymous id.", nameof(profileEvent));
    }

    private static bool IsTransient(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is HttpRequestException or TaskCanceledException
        || outcome.Result?.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests
        || (int?)outcome.Result?.StatusCode >= 500;

    private static string Describe(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is { } exception ? exception.GetType().Name : $"HTTP {(int)outcome.Result!.StatusCode}";

    [LoggerMessage(Level = LogLevel.Information, Message = "Sending a batch failed ({Outcome}); retry {Attempt} in {Delay}, with the same event ids")]
    private static partial void LogRetry(ILogger logger, int attempt, string outcome, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "The gateway refused a batch of {Count} events with HTTP {Status}: {Detail}; they are dropped")]
    private static partial void LogBatchRefused(ILogger logger, int count, int status, string detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "A batch of {Count} events still failed after {Retries} retries; they are dropped")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception, int count, int retries);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The gateway rejected event {EventId}: {Reason}")]
    private static partial void LogEventRejected(ILogger logger, string eventId, string? reason);

    private sealed class FlushRequest
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
