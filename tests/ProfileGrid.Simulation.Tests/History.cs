using CsCheck;

namespace ProfileGrid.Simulation.Tests;

/// <summary>
/// One step of a history, over a small world: three customers (<c>c0</c>..<c>c2</c>), three anonymous profiles
/// (<c>a0</c>..<c>a2</c>, keyed <c>anon:…</c>), two devices, one account and three emails, two producers and two
/// event types. Indexes refer to that world; each history gives it fresh names, so histories share a cluster.
/// </summary>
public abstract record HistoryStep;

/// <summary>An event for a profile (0–2 customers, 3–5 anonymous), with an id from a small pool so that ids repeat (retries).</summary>
/// <param name="Offset">Minutes from now: late, out of order, a few ahead, or too far ahead (refused).</param>
public sealed record EventStep(int Profile, int Id, int Producer, bool Purchase, decimal Value, int Offset) : HistoryStep;

/// <summary>Traits for a profile: a plan (0 none, 1 removed, 2 gold, 3 basic) and an email (-1 none, -2 removed, else which).</summary>
public sealed record TraitsStep(int Profile, int Plan, int Email) : HistoryStep;

public sealed record ConsentStep(int Profile, int Purpose, bool Granted) : HistoryStep;

/// <summary>An identify of a customer: an anonymous profile to merge (-1 none), devices and the account to link, an email and a plan.</summary>
public sealed record IdentifyStep(int Customer, int Anonymous, int Devices, bool Account, int Email, int Plan) : HistoryStep;

/// <summary>An alias: <paramref name="Previous"/>, another customer's id, becomes <paramref name="Customer"/>.</summary>
public sealed record AliasStep(int Customer, int Previous) : HistoryStep;

public sealed record EraseStep(int Profile) : HistoryStep;

/// <summary>The segment that takes turns between two rules gets the other one.</summary>
public sealed record RedefineStep : HistoryStep;

public sealed record AdvanceStep(int Minutes) : HistoryStep;

/// <summary>Every idle grain is deactivated: what they hold in memory must come back from storage.</summary>
public sealed record DeactivateStep : HistoryStep;

/// <summary>
/// A step run while the customers' (or the member sets') journal storage fails every write after the first
/// <paramref name="Allowed"/>; if it fails, it is retried with storage back until it succeeds, as a producer retries.
/// </summary>
public sealed record FaultStep(HistoryStep Inner, bool Members, int Allowed) : HistoryStep;

public sealed record History(HistoryStep[] Steps)
{
    public override string ToString() => string.Join(Environment.NewLine, Steps.Select((step, i) => $"{i,3}: {step}"));

    private static readonly Gen<int> ProfileGen = Gen.Int[0, 5];

    private static readonly Gen<HistoryStep> Event =
        Gen.Select(ProfileGen, Gen.Int[0, 11], Gen.Int[0, 1], Gen.Bool, Gen.Int[-3, 12], Gen.OneOf(Gen.Const(0), Gen.Int[-90, 4], Gen.Int[-3000, -60], Gen.Int[-60000, -3000], Gen.Int[-600000, -60000], Gen.Int[6, 30]))
            .Select((profile, id, producer, purchase, value, offset) => (HistoryStep)new EventStep(profile, id, producer, purchase, value * 10m + 0.5m, offset));

    private static readonly Gen<HistoryStep> Traits = Gen.Select(ProfileGen, Gen.Int[0, 3], Gen.Int[-2, 2]).Select((p, plan, email) => (HistoryStep)new TraitsStep(p, plan, email));

    private static readonly Gen<HistoryStep> Consent = Gen.Select(ProfileGen, Gen.Int[0, 1], Gen.Bool).Select((p, purpose, granted) => (HistoryStep)new ConsentStep(p, purpose, granted));

    private static readonly Gen<HistoryStep> Identify =
        Gen.Select(Gen.Int[0, 2], Gen.Int[-1, 2], Gen.Int[0, 3], Gen.Bool, Gen.Int[-1, 2], Gen.Int[0, 3])
            .Select((c, a, devices, account, email, plan) => (HistoryStep)new IdentifyStep(c, a, devices, account, email, plan));

    private static readonly Gen<HistoryStep> Alias = Gen.Select(Gen.Int[0, 2], Gen.Int[0, 2]).Where(pair => pair.Item1 != pair.Item2).Select((c, p) => (HistoryStep)new AliasStep(c, p));

    private static readonly Gen<HistoryStep> Erase = ProfileGen.Select(p => (HistoryStep)new EraseStep(p));

    /// <remarks>
    /// Minutes, an hour and a bit (past the hour window's edges), a day and a bit, a week and a bit, and now and then a
    /// month and a bit: each window's edges, which wake-ups must follow, and the idempotency log's day.
    /// </remarks>
    private static readonly Gen<HistoryStep> Advance = Gen.Frequency(
        (6, Gen.Int[1, 10]), (6, Gen.Int[50, 70]), (2, Gen.Int[1380, 1500]), (1, Gen.Int[10020, 10140]), (1, Gen.Int[43140, 43260]))
        .Select(m => (HistoryStep)new AdvanceStep(m));

    private static readonly Gen<HistoryStep> Plain = Gen.Frequency(
        (30, Event), (8, Traits), (4, Consent), (10, Identify), (2, Alias), (3, Erase), (1, Gen.Const<HistoryStep>(new RedefineStep())),
        (8, Advance), (3, Gen.Const<HistoryStep>(new DeactivateStep())));

    private static readonly Gen<HistoryStep> Faulty = Gen.Select(Gen.Frequency((30, Event), (8, Traits), (10, Identify), (2, Alias), (4, Erase)), Gen.Bool, Gen.Int[0, 3])
        .Select((inner, members, allowed) => (HistoryStep)new FaultStep(inner, members, allowed));

    /// <summary>Histories of <paramref name="minSteps"/> to <paramref name="maxSteps"/> steps, about one in twelve with a fault.</summary>
    public static Gen<History> Generator(int minSteps, int maxSteps) =>
        Gen.Frequency((11, Plain), (1, Faulty)).Array[minSteps, maxSteps].Select(steps => new History(steps));
}
