using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace ProfileGrid.Customers;

/// <summary>
/// Computations that must not take a customer down with them: the value scores, each segment rule and each
/// destination's rule. One that throws is contained (the profile shows no value scores; the segment is not evaluable
/// for that customer and its membership stays as stored; the destination is not sent the write's events), counted in
/// <c>profilegrid.evaluation.failures</c> (tagged with the part: <c>value</c>, <c>segment</c> or <c>destination</c>),
/// and logged once per part, segment or destination and kind of exception in this process, so that a rule that
/// fails for every customer is one log line, not one per write. The profile stays readable, writable and erasable.
/// </summary>
public static partial class ContainedFailures
{
    public const string MeterName = "ProfileGrid.Customers";
    public const string Instrument = "profilegrid.evaluation.failures";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Failures = Meter.CreateCounter<long>(Instrument, "{failure}",
        "Value scores, segment rules or destination rules that threw while a customer was evaluated; contained, so the customer stays readable and writable.");

    private static readonly ConcurrentDictionary<(string Part, string What, Type Kind), bool> Logged = new();

    /// <summary>Counts the failure, and logs it the first time this part, thing and kind of exception fail here.</summary>
    /// <param name="part"><c>value</c>, <c>segment</c> or <c>destination</c>.</param>
    /// <param name="what">What failed: the segment's or destination's name, or the scores.</param>
    public static void Report(ILogger? logger, string part, string what, Exception exception)
    {
        Failures.Add(1, new KeyValuePair<string, object?>("part", part));
        if (logger is not null && Logged.TryAdd((part, what, exception.GetType()), true)) LogContained(logger, exception, part, what);
    }

    [LoggerMessage(Level = LogLevel.Error, Message =
        "Evaluating {Part} {What} threw; it is left out for the customers it fails for (counted in profilegrid.evaluation.failures), and this is logged once")]
    private static partial void LogContained(ILogger logger, Exception exception, string part, string what);
}
