using System.Text.Json;
using Microsoft.Extensions.Logging;
using ProfileGrid.Customers;
using ProfileGrid.Segments;

namespace ProfileGrid.Destinations;

/// <summary>
/// What one customer write owes the destinations: for each destination whose filter wants a change of the write (an
/// event of a named type, entering or leaving a named segment, a trait or consent change) and whose consent purposes
/// the customer has all granted, one delivery per change, in the write's order. A destination with a rule
/// (<c>filter.when</c>) is sent the write's events only when the rule holds on <paramref name="profile"/>, the
/// customer as of the write with its events applied: evaluated once per write and destination, and only for a write
/// with an event it wants. A rule that throws for the customer (or no longer reads) does not hold: contained and
/// logged once (<see cref="ContainedFailures"/>, part <c>destination</c>), never a failed write. Pure but for that
/// log: the grain hands the result to the destinations' queues once the write is stored.
/// </summary>
internal static class DestinationFeed
{
    public const string FailurePart = "destination";

    public static List<OwedDelivery> Plan(
        string customerId, long seq, DateTimeOffset at, IReadOnlyList<CustomerChange> changes, CustomerState state, IReadOnlyList<Destination> destinations,
        Func<CustomerProfile> profile, ILogger? logger = null)
    {
        var owed = new List<OwedDelivery>();
        if (destinations.Count == 0 || state.IsErased) return owed;
        ProfileRuleInput? input = null;
        foreach (var read in destinations)
        {
            var destination = read.Definition;
            if (!destination.Purposes.All(purpose => state.Consent.GetValueOrDefault(purpose))) continue;
            var index = 0;
            bool? eventsHold = null;
            foreach (var change in changes)
            {
                switch (change)
                {
                    case EventsChange events:
                        foreach (var applied in events.Events)
                        {
                            if (destination.Filter.Wants(DeliveryKind.Event, applied.Type) && (eventsHold ??= Holds(read)))
                                Add(destination, DeliveryKind.Event, writer => WriteEvent(writer, applied, destination.PersonalData));
                        }

                        break;
                    case SegmentsChange { Announce: { } announced } segments:
                        foreach (var name in announced)
                        {
                            var entered = segments.Segments is { } now && Array.IndexOf(now, name) >= 0;
                            var kind = entered ? DeliveryKind.SegmentEntered : DeliveryKind.SegmentLeft;
                            if (destination.Filter.Wants(kind, name)) Add(destination, kind, writer => writer.WriteString("segment", name));
                        }

                        break;
                    case TraitsChange traits:
                        if (traits.Patch.Traits.Count > 0 && destination.Filter.Traits)
                            Add(destination, DeliveryKind.TraitsChanged, writer => WriteTraits(writer, traits.Patch, state, destination.PersonalData));
                        if (traits.Patch.Consent.Count > 0 && destination.Filter.Consent)
                            Add(destination, DeliveryKind.ConsentChanged, writer => WriteConsent(writer, traits.Patch, state));
                        break;
                }
            }

            void Add(DestinationDefinition to, DeliveryKind kind, Action<Utf8JsonWriter> data)
            {
                var id = DeliveryEvents.IdOf(to.Name, customerId, seq, at, index++);
                owed.Add(new OwedDelivery(to.Name, new Delivery(id, customerId, DeliveryTypes.Of(kind), DeliveryEvents.Write(id, kind, customerId, at, data), at)));
            }
        }

        return owed;

        bool Holds(Destination destination)
        {
            if (destination.Definition.Filter.When is null) return true;
            try
            {
                var rule = destination.When ?? throw new FormatException($"filter.when does not read: {destination.WhenError}.");
                return RuleEvaluator.Evaluate(rule, input ??= new ProfileRuleInput(profile())).Matches;
            }
            catch (Exception exception)
            {
                ContainedFailures.Report(logger, FailurePart, destination.Definition.Name, exception);
                return false;
            }
        }
    }

    private static void WriteEvent(Utf8JsonWriter writer, Events.CustomerEvent applied, bool personalData)
    {
        writer.WriteStartObject("event");
        writer.WriteString("id", applied.Id);
        writer.WriteString("type", applied.Type);
        writer.WriteString("timestamp", applied.Timestamp);
        if (applied.Value is { } value) writer.WriteNumber("value", value);
        if (applied.Channel is { } channel) writer.WriteString("channel", channel);
        if (personalData && applied.Properties is { } properties)
        {
            writer.WritePropertyName("properties");
            writer.WriteRawValue(properties, skipInputValidation: false);
        }

        writer.WriteEndObject();
    }

    /// <summary>The traits the patch named, as they are now (null when removed); names only unless the destination may have personal data.</summary>
    private static void WriteTraits(Utf8JsonWriter writer, TraitPatch patch, CustomerState state, bool personalData)
    {
        if (!personalData)
        {
            writer.WriteStartArray("changed");
            foreach (var name in patch.Traits.Keys.Order(StringComparer.Ordinal)) writer.WriteStringValue(name);
            writer.WriteEndArray();
            return;
        }

        writer.WriteStartObject("traits");
        foreach (var name in patch.Traits.Keys.Order(StringComparer.Ordinal))
        {
            writer.WritePropertyName(name);
            if (state.Traits.TryGetValue(name, out var json)) writer.WriteRawValue(json, skipInputValidation: false);
            else writer.WriteNullValue();
        }

        writer.WriteEndObject();
    }

    private static void WriteConsent(Utf8JsonWriter writer, TraitPatch patch, CustomerState state)
    {
        writer.WriteStartObject("consent");
        foreach (var purpose in patch.Consent.Keys.Order(StringComparer.Ordinal))
        {
            if (state.Consent.TryGetValue(purpose, out var granted)) writer.WriteBoolean(purpose, granted);
        }

        writer.WriteEndObject();
    }
}

/// <summary>A delivery owed to the destination named <paramref name="Destination"/> (as a write's deliveries record holds it: <see cref="DestinationHandOff"/>).</summary>
[GenerateSerializer, Immutable, Alias("pg.OwedDelivery")]
internal sealed record OwedDelivery([property: Id(0)] string Destination, [property: Id(1)] Delivery Delivery);
