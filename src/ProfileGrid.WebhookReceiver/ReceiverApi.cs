using System.Text;

namespace ProfileGrid.WebhookReceiver;

public static partial class ReceiverApi
{
    public static WebApplication MapReceiver(this WebApplication app)
    {
        var log = app.Logger;
        app.MapGet("/healthz", () => Results.Ok("healthy"));
        app.MapGet("/readyz", () => Results.Ok("ready"));

        app.MapPost("/hooks/{name}", async (string name, HttpRequest request, Hooks hooks, CancellationToken aborted) =>
        {
            var arrived = DateTimeOffset.UtcNow;
            var hook = hooks[name];
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, aborted);
            var body = buffer.ToArray();
            string? Header(string header) => request.Headers.TryGetValue(header, out var value) ? value.ToString() : null;
            var (id, timestamp, signature) = (Header("webhook-id"), Header("webhook-timestamp"), Header("webhook-signature"));
            var verified = hook.Secret is null || SignatureCheck.Verify(hook.Secret, id, timestamp, signature, body, DateTimeOffset.UtcNow);
            var status = !verified ? StatusCodes.Status401Unauthorized : hook.Hang ? 0 : hook.ShouldFail() ? hook.FailStatus : StatusCodes.Status200OK;
            var headers = request.Headers.ToDictionary(pair => pair.Key.ToLowerInvariant(), pair => pair.Value.ToString(), StringComparer.Ordinal);
            var text = Encoding.UTF8.GetString(body);
            hook.Record(new Received(id, timestamp, signature, request.ContentType, text, verified, status, arrived, headers));
            LogReceived(log, name, id, verified, status, text);
            if (status == 0)
            {
                await Task.Delay(Timeout.Infinite, aborted).ContinueWith(_ => { }, TaskScheduler.Default);
                return Results.StatusCode(StatusCodes.Status504GatewayTimeout);
            }

            if (verified && hook.HangFor > TimeSpan.Zero) await Task.Delay(hook.HangFor, aborted).ContinueWith(_ => { }, TaskScheduler.Default);
            return Results.StatusCode(status);
        });

        // Control, for tests, demos and benchmarks: how a hook answers, what it received, and that in brief (receipts).
        app.MapPut("/_control/hooks/{name}", (string name, HookSettings settings, Hooks hooks) =>
        {
            if (settings.HangSeconds is not (null or (>= 0 and <= 3600)))
            {
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["hangSeconds"] = ["hangSeconds must be from 0 to 3600."] });
            }

            var hook = hooks[name];
            if (settings.Secret is not null) hook.Secret = settings.Secret;
            hook.FailNext = settings.FailNext ?? 0;
            hook.FailAlways = settings.FailAlways ?? false;
            hook.FailStatus = settings.FailStatus ?? 500;
            hook.Hang = settings.Hang ?? false;
            hook.HangFor = TimeSpan.FromSeconds(settings.HangSeconds ?? 0);
            return Results.NoContent();
        });
        app.MapGet("/_control/hooks/{name}/received", (string name, Hooks hooks) => Results.Ok(hooks[name].Received()));
        app.MapGet("/_control/hooks/{name}/receipts", (string name, Hooks hooks) => Results.Ok(hooks[name].Receipts()));
        app.MapGet("/", (Hooks hooks) => Results.Text(string.Join('\n', hooks.All.SelectMany(pair => pair.Hook.Received().TakeLast(50)
            .Select(received => $"{received.ReceivedAt:HH:mm:ss.fff} {pair.Name} {received.Id} verified={received.Verified} {received.Status} {received.Body}")))));
        return app;
    }
}

public static partial class ReceiverApi
{
    [LoggerMessage(Level = LogLevel.Information, Message = "hook {Hook}: {Id} verified={Verified} answered {Status} (0: hanging): {Received}")]
    private static partial void LogReceived(ILogger logger, string hook, string? id, bool verified, int status, string received);
}

/// <summary>How a hook answers from now on; a setting left out takes its default (no failures, no hang).</summary>
/// <param name="HangSeconds">Hold each request this long, then answer as the other settings say (0 to 3,600 s).</param>
public sealed record HookSettings(string? Secret, int? FailNext, bool? FailAlways, int? FailStatus, bool? Hang, double? HangSeconds);
