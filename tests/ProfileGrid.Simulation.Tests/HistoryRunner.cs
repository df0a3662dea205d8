using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ProfileGrid.Customers;
using ProfileGrid.Events;
using ProfileGrid.Identity;
using ProfileGrid.Segments;
using ProfileGrid.Simulation.Tests.Model;
using ProfileGrid.Testing;
using ProfileGrid.Wakeups;

namespace ProfileGrid.Simulation.Tests;

/// <summary>
/// Runs one history against the cluster and the reference model side by side, and after every step checks that
/// they agree: every profile (counters in every window, traits, consent, first and last seen, value scores), every
/// identifier's owner, every segment's membership of every profile, and after an erasure that no stored row holds
/// anything of the erased customer (<see cref="StorageScan"/>). The first disagreement throws, naming the step.
/// </summary>
public sealed class HistoryRunner
{
    public const string Producer = "webshop";
    private static readonly string[] Producers = [Producer, "pos"];
    private static readonly string[] Purposes = ["email_marketing", "sms"];
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(2);

    private readonly SimulatedCluster _cluster;
    private readonly SegmentRules _segments;
    private readonly string _world = Guid.NewGuid().ToString("N")[..10];
    private readonly string[] _profiles;
    private readonly string[] _identifiers;
    private readonly ReferenceModel _model;
    private readonly DateTimeOffset _started;
    private int _markers;

    public HistoryRunner(SimulatedCluster cluster, SegmentRules segments)
    {
        (_cluster, _segments) = (cluster, segments);
        _profiles = [.. Enumerable.Range(0, 3).Select(i => $"{_world}-c{i}"), .. Enumerable.Range(0, 3).Select(i => $"anon:{_world}-a{i}")];
        _identifiers = [.. _profiles[3..], .. Enumerable.Range(0, 2).Select(Device), Account, .. Enumerable.Range(0, 3).Select(i => ReferenceModel.EmailKey(Email(i)))];
        _model = new ReferenceModel(_profiles);
        // By this machine's clock, which stamps stored rows: a margin for Azurite's own.
        _started = DateTimeOffset.UtcNow.AddSeconds(-5);
    }

    public string World => _world;

    private DateTimeOffset Now => _cluster.Clock.GetUtcNow();

    private string Account => $"account:{_world}-x0";

    public async Task RunAsync(History history)
    {
        for (var i = 0; i < history.Steps.Length; i++)
        {
            var step = history.Steps[i];
            try
            {
                var erased = await StepAsync(step);
                await CheckAsync(erased);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                throw new SimulationFailureException($"step {i} ({step}) of world {_world}: {exception.Message}{Environment.NewLine}{await OwnersAsync()}", exception);
            }
        }
    }

    /// <returns>The markers an erasure made gone (empty for other steps).</returns>
    private async Task<IReadOnlyList<string>> StepAsync(HistoryStep step)
    {
        switch (step)
        {
            case FaultStep fault:
                var faults = fault.Members ? _cluster.MemberFaults : _cluster.CustomerFaults;
                faults.FailAfter(fault.Allowed);
                Func<Task<IReadOnlyList<string>>>? retry;
                try
                {
                    // Succeeded despite the fault (it needed fewer writes): it counts, as it is.
                    return await StepAsync(fault.Inner);
                }
                catch (Exception)
                {
                    // An erasure is retried through the customer it erases: one through a merged profile its first try
                    // already deleted reaches a new, empty profile, and the customer finishes by its own wake-up
                    // (KnownHistoryTests has that case, with the clock moved for the wake-up).
                    // (The model erases only once the grid answered, so it still knows which customer that is.)
                    var inner = fault.Inner is EraseStep erase ? erase with { Profile = Array.IndexOf(_profiles, _model.Target(_profiles[erase.Profile]).Key) } : fault.Inner;
                    retry = () => StepAsync(inner);
                }
                finally
                {
                    faults.Disarm();
                }

                // The producer was answered with an error: it retries until acknowledged, and the step counts once.
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        return await retry();
                    }
                    catch (Exception) when (attempt < 5)
                    {
                        await Task.Delay(20 * attempt);
                    }
                }

            case EventStep e:
                await EventAsync(e);
                return [];
            case TraitsStep t:
                await TraitsAsync(t);
                return [];
            case ConsentStep c:
                var consent = new Dictionary<string, bool> { [Purposes[c.Purpose]] = c.Granted };
                await Customer(_profiles[c.Profile]).MergeTraits(new TraitPatch([], consent, Producer));
                _model.MergeTraits(_profiles[c.Profile], [], consent);
                return [];
            case IdentifyStep identify:
                await IdentifyAsync(identify);
                return [];
            case AliasStep alias:
                await AliasAsync(alias);
                return [];
            case EraseStep erase:
                return await EraseAsync(_profiles[erase.Profile]);
            case RedefineStep:
                await _segments.TakeTurnAsync(_cluster);
                return [];
            case AdvanceStep advance:
                _cluster.Clock.Advance(TimeSpan.FromMinutes(advance.Minutes));
                return [];
            case DeactivateStep:
                await _cluster.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
                return [];
            default:
                throw new InvalidOperationException($"Unknown step {step}.");
        }
    }

    private async Task EventAsync(EventStep step)
    {
        var (key, producer, id) = (_profiles[step.Profile], Producers[step.Producer], $"{_world}-ev{step.Id}");
        var now = Now;
        // A retry past the day the idempotency log keeps may or may not count again: histories leave that edge alone.
        if (!_model.RetryIsDecided(key, producer, id, now)) return;
        var marker = $"{_world}-m{++_markers:D4}";
        var customerEvent = new ModelEvent(step.Purchase ? "purchase" : "page_view", now.AddMinutes(step.Offset), step.Value, marker);
        var result = await Customer(key).ApplyEvents(producer,
            [new CustomerEvent(id, customerEvent.Type, customerEvent.Timestamp, customerEvent.Value, "web", $$"""{"m":"{{marker}}"}""")]);
        var expected = _model.ApplyEvent(key, producer, id, customerEvent, now);
        Expect(expected switch
        {
            EventAnswer.Accepted => EventOutcome.Accepted,
            EventAnswer.Duplicate => EventOutcome.Duplicate,
            _ => EventOutcome.Rejected,
        }, result.Outcomes[0], $"the event {id} from {producer} for {key}");
    }

    private async Task TraitsAsync(TraitsStep step)
    {
        var key = _profiles[step.Profile];
        var traits = Traits(step.Plan, step.Email);
        if (traits.Count == 0) return;
        var result = await Customer(key).MergeTraits(new TraitPatch(traits, [], Producer));
        if (traits.ContainsKey("email"))
        {
            var expected = _model.Identify(key, null, [], traits, [], traitsOnly: true);
            Expect(expected is not null, result.Conflict is not null, $"whether setting traits {Describe(traits)} on {key} conflicts ({result.Conflict})");
        }
        else
        {
            _model.MergeTraits(key, traits, []);
        }
    }

    private async Task IdentifyAsync(IdentifyStep step)
    {
        var customer = _profiles[step.Customer];
        var merge = step.Anonymous < 0 ? null : _profiles[3 + step.Anonymous];
        var identifiers = new List<string>();
        if ((step.Devices & 1) != 0) identifiers.Add(Device(0));
        if ((step.Devices & 2) != 0) identifiers.Add(Device(1));
        if (step.Account) identifiers.Add(Account);
        var traits = Traits(step.Plan, step.Email);
        var result = await Customer(customer).Identify(new IdentifyRequest([.. identifiers], merge, new TraitPatch(traits, [], Producer)));
        var expected = _model.Identify(customer, merge, identifiers, traits, [], traitsOnly: false);
        Expect(expected is not null, result.Conflict is not null, $"whether identifying {customer} (merge {merge}, {string.Join(", ", identifiers)}, {Describe(traits)}) conflicts: model '{expected}', grid '{result.Conflict}'");
    }

    private async Task AliasAsync(AliasStep step)
    {
        var (customer, previous) = (_profiles[step.Customer], _profiles[step.Previous]);
        var result = await Customer(customer).Identify(new IdentifyRequest([], previous, new TraitPatch([], [], Producer)));
        var expected = _model.Identify(customer, previous, [], [], [], traitsOnly: false);
        Expect(expected is not null, result.Conflict is not null, $"whether aliasing {previous} to {customer} conflicts: model '{expected}', grid '{result.Conflict}'");
    }

    private async Task<IReadOnlyList<string>> EraseAsync(string key)
    {
        var target = _model.Target(key);
        var events = target.Events.Select(e => e.Marker).ToList();
        var erasedKey = target.Key;
        await Customer(key).EraseProfile();
        var gone = _model.Erase(key);
        if (gone.Count == 0 && events.Count == 0) return [];
        // Markers: the customer's id (but as its tombstone's key), its events, and every identifier and merged profile it had.
        var markers = new List<string> { erasedKey };
        markers.AddRange(events);
        foreach (var marker in gone)
        {
            var value = marker[(marker.IndexOf(':', StringComparison.Ordinal) + 1)..];
            // An email another customer holds now, or held before (its own former identifier), is theirs to keep.
            if (marker.StartsWith("email:", StringComparison.Ordinal) && (_model.Owners.ContainsKey(marker)
                || _model.Profiles.Any(p => p.Key != erasedKey && (p.FormerIdentifiers.Contains(marker) || p.Traits.Values.Any(v => v.Contains(value, StringComparison.Ordinal)))))) continue;
            markers.Add(value);
        }

        return markers;
    }

    private async Task CheckAsync(IReadOnlyList<string> erased)
    {
        // Reads only, so all at once: a step costs the slowest read, not their sum.
        var now = Now;
        await Task.WhenAll(_profiles.Select(key => CheckProfileAsync(key, now)));
        var owners = await Task.WhenAll(_identifiers.Select(identifier => _cluster.Grains.GetGrain<IIdentityGrain>(identifier).Resolve()));
        foreach (var (identifier, owner) in _identifiers.Zip(owners)) Expect(_model.Owners.GetValueOrDefault(identifier), owner, $"the owner of {identifier}");

        // Wake-ups first: the scheduler reaches the minute the clock stands in (on a busy machine a catch-up over weeks
        // of Azurite rows takes seconds), then the answers it woke customers for settle.
        // Both are grain calls waited on after most steps, so they are asked again every few milliseconds.
        var minute = Now.AddMinutes(-1) - WakeupBuckets.Grace;
        await Eventually.Async(SchedulerAsync, status => status.Cursor >= WakeupBuckets.StartOf(WakeupBuckets.MinuteOf(minute)), "the wake-up scheduler caught up with the clock", TimeSpan.FromMinutes(2), Poll);
        await Eventually.Async(MembershipDifferencesAsync, differences => differences.Count == 0, "every segment's members as the model has them", TimeSpan.FromSeconds(20), Poll);
        if (erased.Count > 0)
        {
            var found = await StorageScan.FindAsync(_cluster, erased, tombstone: erased[0], since: _started);
            if (found.Count > 0)
            {
                var status = await SchedulerAsync();
                throw new SimulationFailureException($"stored markers of the erased customer {erased[0]}: {string.Join("; ", found)} (now {Now:O}, wake-up scheduler {status})");
            }
        }
    }

    private Task<WakeupStatus> SchedulerAsync() => _cluster.Grains.GetGrain<IWakeupSchedulerGrain>(IWakeupSchedulerGrain.Key).Status();

    /// <summary>Who owns each identifier, by the grid and by the model (printed with a failure).</summary>
    private async Task<string> OwnersAsync()
    {
        var lines = new List<string>();
        foreach (var identifier in _identifiers)
        {
            string grid;
            try
            {
                grid = await _cluster.Grains.GetGrain<IIdentityGrain>(identifier).Resolve() ?? "-";
            }
            catch (Exception exception)
            {
                grid = exception.GetType().Name;
            }

            lines.Add($"  {identifier}: grid {grid}, model {_model.Owners.GetValueOrDefault(identifier) ?? "-"}");
        }

        return "owners:" + Environment.NewLine + string.Join(Environment.NewLine, lines);
    }

    private async Task CheckProfileAsync(string key, DateTimeOffset now)
    {
        var profile = await Customer(key).GetProfile();
        var target = _model.Target(key);
        if (!target.Exists)
        {
            Expect(null, profile?.CustomerId, $"whether {key} shows a profile");
            return;
        }

        if (profile is null) throw new SimulationFailureException($"{key} shows no profile; the model has {target.Key} with {target.Events.Count} events and traits {Describe(target.Traits)}");
        Expect(target.Key, profile.CustomerId, $"the profile {key} lands on");
        var counters = target.Counters(now);
        Expect(Describe(counters), Describe(profile.Counters), $"the counters of {key}");
        Expect(Describe(target.Traits), Describe(profile.Traits), $"the traits of {key}");
        Expect(string.Join(",", target.Consent.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}")),
            string.Join(",", profile.Consent.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}")), $"the consent of {key}");
        Expect((target.FirstSeen, target.LastSeen), (profile.FirstSeen, profile.LastSeen), $"first and last seen of {key}");
        Expect(ValueScoring.Score(new ValueOptions(), counters, target.FirstSeen, now), profile.Value, $"the value scores of {key}");
    }

    private async Task<List<string>> MembershipDifferencesAsync()
    {
        var now = Now;
        var pairs = _segments.Names.SelectMany(segment => _profiles.Select(key => (Segment: segment, Key: key))).ToList();
        var members = await Task.WhenAll(pairs.Select(async pair => await _cluster.Grains.For(pair.Segment, SegmentShards.Of(pair.Key)).Contains(pair.Key) is not null));
        var differences = new List<string>();
        foreach (var ((segment, key), member) in pairs.Zip(members))
        {
            var expected = _model.IsMember(_segments.Current(segment), key, now);
            if (member != expected) differences.Add($"{key} {(member ? "is" : "is not")} in {segment} ({_segments.Current(segment)})");
        }

        return differences;
    }

    private Dictionary<string, string?> Traits(int plan, int email)
    {
        var traits = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (plan > 0) traits["plan"] = plan switch { 1 => null, 2 => "\"gold\"", _ => "\"basic\"" };
        if (email != -1) traits["email"] = email == -2 ? null : Email(email);
        return traits;
    }

    private string Email(int i) => JsonSerializer.Serialize($"{_world}-e{i}@example.com");

    private string Device(int i) => $"device:{_world}-d{i}";

    private ICustomerGrain Customer(string key) => _cluster.Grains.GetGrain<ICustomerGrain>(key);

    private static string Describe<TValue>(IReadOnlyDictionary<string, TValue> traits) =>
        "{" + string.Join(",", traits.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value?.ToString() ?? "null"}")) + "}";

    private static string Describe(IEnumerable<CounterView> counters) => string.Join(" | ", counters.OrderBy(c => c.Type, StringComparer.Ordinal)
        .Select(c => $"{c.Type}: 1h {Describe(c.LastHour)} 24h {Describe(c.LastDay)} 7d {Describe(c.LastWeek)} 30d {Describe(c.LastMonth)} 365d {(c.LastYear is { } year ? Describe(year) : "-")} total {Describe(c.Total)} first {c.FirstAt:O} last {c.LastAt:O}"));

    private static string Describe(WindowTotal total) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{total.Count}/{total.Sum:0.######}");

    private static void Expect<T>(T expected, T actual, string what)
    {
        if (!EqualityComparer<T>.Default.Equals(expected, actual)) throw new SimulationFailureException($"{what}: the model says {expected}, the grid {actual}");
    }
}

/// <summary>The grid and the model disagree.</summary>
public sealed class SimulationFailureException(string message, Exception? inner = null) : Exception(message, inner);
