using System.Collections.Concurrent;

namespace ProfileGrid.WebhookReceiver;

/// <summary>The receiver's hooks by name: each with its secret, how it answers, and what it received, in order.</summary>
public sealed class Hooks(string? defaultSecret)
{
    private readonly ConcurrentDictionary<string, Hook> _hooks = new(StringComparer.Ordinal);

    public Hook this[string name] => _hooks.GetOrAdd(name, _ => new Hook { Secret = defaultSecret });

    public IEnumerable<(string Name, Hook Hook)> All => _hooks.Select(pair => (pair.Key, pair.Value));
}

/// <summary>One hook: its secret (null: signatures are not checked), its behaviour, and the requests it recorded.</summary>
public sealed class Hook
{
    private readonly Lock _lock = new();
    private readonly List<Received> _received = [];

    public string? Secret { get; set; }

    /// <summary>Answer this many of the next requests with <see cref="FailStatus"/>.</summary>
    public int FailNext { get; set; }

    public bool FailAlways { get; set; }

    public int FailStatus { get; set; } = 500;

    /// <summary>Never answer (until the caller gives up).</summary>
    public bool Hang { get; set; }

    /// <summary>Hold each request this long before answering as otherwise (zero: answer at once); <see cref="Hang"/> wins.</summary>
    public TimeSpan HangFor { get; set; }

    public void Record(Received received)
    {
        lock (_lock) _received.Add(received);
    }

    public Received[] Received()
    {
        lock (_lock) return [.. _received];
    }

    /// <summary>What arrived in brief, for joining on the customer: each request's CloudEvent type and subject, read from its body.</summary>
    public Receipt[] Receipts() => [.. Received().Select(Receipt.Of)];

    /// <summary>Whether this request is to fail, counting it down.</summary>
    public bool ShouldFail()
    {
        lock (_lock)
        {
            if (FailAlways) return true;
            if (FailNext <= 0) return false;
            FailNext--;
            return true;
        }
    }
}

/// <summary>A request as it arrived: its webhook headers, its body as sent, whether its signature verified, and how it was answered.</summary>
public sealed record Received(
    string? Id, string? Timestamp, string? Signature, string? ContentType, string Body, bool Verified, int Status, DateTimeOffset ReceivedAt, Dictionary<string, string> Headers);
