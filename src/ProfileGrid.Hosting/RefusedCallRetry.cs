using Microsoft.Extensions.Logging;
using Orleans.Runtime.Messaging;
using Polly;
using Polly.Retry;

namespace ProfileGrid.Hosting;

/// <summary>
/// Retries, from the gateway, a grain call the cluster refused because a silo is leaving or has left: a silo that
/// is stopping rejects new messages, the gateway silo that just stopped refuses the connection (the client then
/// routes to another), and a silo declared dead fails what it held. Scaling in and rolling upgrades therefore reach
/// producers as slightly slower answers rather than 503s. Retrying is safe because every customer-grain method is
/// idempotent: events apply once by id, traits and consent are set by value, watches are keyed by the observer.
/// A call that times out is not retried here (its 10 s are already spent); the producer retries it.
/// </summary>
internal sealed partial class RefusedCallRetry : IOutgoingGrainCallFilter
{
    private readonly ResiliencePipeline _pipeline;

    public RefusedCallRetry(ILogger<RefusedCallRetry> logger, TimeProvider clock)
    {
        // Exponential from 100 ms with jitter, at most 2 s apart: about 5 s in all, the time a silo takes to leave.
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = clock }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder()
                    .Handle<OrleansMessageRejectionException>()
                    .Handle<ConnectionFailedException>()
                    .Handle<GatewayTooBusyException>(),
                MaxRetryAttempts = 6,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(100),
                MaxDelay = TimeSpan.FromSeconds(2),
                OnRetry = retry =>
                {
                    LogRetry(logger, retry.Outcome.Exception?.Message, retry.AttemptNumber + 1, retry.RetryDelay.TotalMilliseconds);
                    return default;
                },
            })
            .Build();
    }

    public Task Invoke(IOutgoingGrainCallContext context) =>
        _pipeline.ExecuteAsync(static async (call, _) => await call.Invoke(), context, CancellationToken.None).AsTask();

    [LoggerMessage(Level = LogLevel.Information, Message = "A grain call was refused by the cluster ({Reason}); retry {Attempt} in {DelayMs:0} ms")]
    private static partial void LogRetry(ILogger logger, string? reason, int attempt, double delayMs);
}
