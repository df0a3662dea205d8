using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using ProfileGrid.Customers;
using ProfileGrid.Rules;
using ProfileGrid.Segments;

namespace ProfileGrid.Grains.Tests.Segments;

/// <summary>
/// Views evaluate each segment on its own: one whose rule fails on a profile is "not evaluable" for it, the others
/// still answer, and the failure is counted every time and logged once per definition and kind.
/// </summary>
public sealed class SegmentContainmentTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private readonly RecordingLogger<SegmentFailures> _log = new();

    private Segment Define(string name, string rule, DateTimeOffset? at = null) =>
        new(new SegmentDefinition(name, rule, null, at ?? Now, "test"), RuleParser.ParseCanonical(rule)) { Failures = new SegmentFailures(_log) };

    /// <summary>A profile whose stored <c>notes</c> trait is not JSON (as a corrupt row would hold): reading it throws.</summary>
    private static CustomerProfile Broken() =>
        new("ann", 3, Now, new() { ["country"] = "\"DK\"", ["notes"] = "{not json" }, [], Now, Now, [], [], []);

    [Fact]
    public void A_segment_that_fails_is_not_evaluable_and_the_others_still_answer()
    {
        var segments = new[] { Define("danes", "trait.country == \"DK\""), Define("noted", "trait.notes != \"x\""), Define("swedes", "not trait.country != \"SE\"") };

        var evaluation = SegmentCatalog.Evaluate(segments, Broken());

        var member = Assert.Single(evaluation.Segments);
        Assert.Equal("danes", member.Name);
        Assert.Equal([new OperandReason("trait.country", "\"DK\"", false)], member.Reasons);
        Assert.Equal(["noted"], evaluation.NotEvaluable!);
    }

    [Fact]
    public void Without_failures_nothing_is_listed_as_not_evaluable()
    {
        var evaluation = SegmentCatalog.Evaluate([Define("danes", "trait.country == \"DK\"")], Broken() with { Traits = new() { ["country"] = "\"DK\"" } });

        Assert.Equal("danes", Assert.Single(evaluation.Segments).Name);
        Assert.Null(evaluation.NotEvaluable);
        Assert.Same(SegmentEvaluation.None, SegmentCatalog.Evaluate(null, Broken()));
    }

    [Fact]
    public void Each_failure_is_counted_and_logged_once_per_definition_and_kind()
    {
        var noted = Define("noted", "trait.notes != \"x\"");
        var redefined = Define("noted", "trait.notes != \"y\"", Now.AddMinutes(1));
        var failures = new List<(long Count, string? Segment, string? Kind)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == SegmentFailures.MeterName && instrument.Name == SegmentFailures.FailuresInstrument) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, count, tags, _) =>
            failures.Add((count, Tag(tags, "profilegrid.segment"), Tag(tags, "profilegrid.failure"))));
        listener.Start();

        for (var i = 0; i < 3; i++) SegmentCatalog.Evaluate([noted], Broken());
        Assert.Null(SegmentCatalog.Evaluate(noted, new ThrowingInput()));
        Assert.Null(SegmentCatalog.Evaluate(noted, new ThrowingInput()));
        SegmentCatalog.Evaluate([redefined], Broken());

        Assert.Equal(6, failures.Count(failure => failure.Segment == "noted"));
        Assert.All(failures, failure => Assert.Equal(1, failure.Count));
        Assert.Equal(["JsonReaderException", "JsonReaderException", "JsonReaderException", "InvalidOperationException", "InvalidOperationException", "JsonReaderException"],
            failures.Where(failure => failure.Segment == "noted").Select(failure => failure.Kind));
        Assert.Equal(["JsonReaderException", "InvalidOperationException", "JsonReaderException"], _log.Entries.Select(entry => entry.Exception!.GetType().Name));
        Assert.All(_log.Entries, entry => Assert.Equal(LogLevel.Error, entry.Level));
        Assert.Contains("Segment noted could not be evaluated (InvalidOperationException)", _log.Entries[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_segment_made_outside_a_catalog_is_still_contained()
    {
        var segment = new Segment(new SegmentDefinition("noted", "trait.notes != \"x\"", null, Now, "test"), RuleParser.Parse("trait.notes != \"x\""));

        Assert.Equal(["noted"], SegmentCatalog.Evaluate([segment], Broken()).NotEvaluable!);
    }

    private static string? Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string name)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == name) return tag.Value as string;
        }

        return null;
    }

    /// <summary>A customer whose every read fails.</summary>
    private sealed class ThrowingInput : IRuleInput
    {
        public DateTimeOffset AsOf => Now;

        public DateTimeOffset? FirstSeen => throw new InvalidOperationException("unreadable");

        public DateTimeOffset? LastSeen => throw new InvalidOperationException("unreadable");

        public RuleScores? Scores => throw new InvalidOperationException("unreadable");

        public string? Trait(string name) => throw new InvalidOperationException("unreadable");

        public EventTotals Events(string type, Window window) => throw new InvalidOperationException("unreadable");

        public DateTimeOffset? LastAt(string type) => throw new InvalidOperationException("unreadable");

        public DateTimeOffset? FirstAt(string type) => throw new InvalidOperationException("unreadable");
    }
}
