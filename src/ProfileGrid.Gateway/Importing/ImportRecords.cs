using System.Text.Json;
using ProfileGrid.Customers;
using ProfileGrid.Events;
using ProfileGrid.Gateway.Compat;
using ProfileGrid.Gateway.Ingestion;
using ProfileGrid.Identity;

namespace ProfileGrid.Gateway.Importing;

/// <summary>What one line of an import asks for.</summary>
internal abstract record ImportAction(long Line);

/// <summary>An event for a customer.</summary>
internal sealed record ImportEvent(long Line, string CustomerKey, CustomerEvent Event) : ImportAction(Line);

/// <summary>Traits and consent for a customer, with their original time (<see cref="TraitPatch.At"/>).</summary>
internal sealed record ImportTraits(long Line, string CustomerKey, TraitPatch Patch) : ImportAction(Line);

/// <summary>A Segment identify or alias: links identifiers and merges profiles as the live route does.</summary>
internal sealed record ImportIdentify(long Line, string CustomerKey, Identifier? Anonymous, string? PreviousId, TraitPatch Patch) : ImportAction(Line);

/// <summary>
/// Reads one import record (a JSON object: a line of NDJSON, or a CSV row made into one, <see cref="CsvRecords"/>)
/// with the live routes' readers, so an import accepts and refuses exactly what they do:
/// <list type="bullet">
/// <item>with a <c>messageId</c>: a Segment-spec message (<see cref="SegmentMessages"/>: track, page, screen, identify, group, alias);</item>
/// <item>with <c>traits</c> or <c>consent</c> and no <c>type</c>: a trait record, <c>{customerId, traits, consent?, timestamp?}</c>,
/// set as of <c>timestamp</c> (an older record never replaces a newer value; without one, as of now, like a live patch);</item>
/// <item>anything else: a native event (<see cref="EventReader"/>), whose <c>id</c> defaults to <c>import:{importId}:{line}</c>.</item>
/// </list>
/// </summary>
internal static class ImportRecords
{
    public static bool TryRead(JsonElement record, long line, string importId, string producer, DateTimeOffset receivedAt, out ImportAction? action, out string error)
    {
        action = null;
        if (record.ValueKind != JsonValueKind.Object) return Fail("each line must be a JSON object", out error);
        if (record.TryGetProperty("messageId"u8, out _)) return TrySegment(record, line, producer, receivedAt, out action, out error);
        if ((record.TryGetProperty("traits"u8, out _) || record.TryGetProperty("consent"u8, out _)) && !record.TryGetProperty("type"u8, out _))
            return TryTraits(record, line, producer, receivedAt, out action, out error);
        if (!EventReader.TryRead(record, 0, receivedAt, out var pending, out error, missingId: $"import:{importId}:{line}")) return false;
        action = new ImportEvent(line, pending.CustomerKey, pending.Event);
        return true;
    }

    private static bool TryTraits(JsonElement record, long line, string producer, DateTimeOffset receivedAt, out ImportAction? action, out string error)
    {
        action = null;
        if (!record.TryGetProperty("customerId"u8, out var customer) || customer.ValueKind != JsonValueKind.String || !CustomerKeys.IsValidId(customer.GetString()))
            return Fail($"customerId is required: {CustomerKeys.Rule}", out error);
        DateTimeOffset? at = null;
        if (record.TryGetProperty("timestamp"u8, out var timestamp) && timestamp.ValueKind != JsonValueKind.Null)
        {
            if (timestamp.ValueKind != JsonValueKind.String || !timestamp.TryGetDateTimeOffset(out var original) || original < EventLimits.MinTimestamp)
                return Fail(EventLimits.TimestampRule, out error);
            if (original > receivedAt + EventLimits.MaxFutureSkew) return Fail(EventLimits.FutureRule, out error);
            at = original;
        }

        var traits = record.TryGetProperty("traits"u8, out var traitsElement) && traitsElement.ValueKind != JsonValueKind.Null ? traitsElement : Empty;
        JsonElement? consent = record.TryGetProperty("consent"u8, out var consentElement) ? consentElement : null;
        if (!TraitReader.TryRead(traits, consent, out var patch, out error)) return false;
        action = new ImportTraits(line, customer.GetString()!, patch with { By = producer, At = at });
        return true;
    }

    private static bool TrySegment(JsonElement record, long line, string producer, DateTimeOffset receivedAt, out ImportAction? action, out string error)
    {
        action = null;
        if (!SegmentMessages.TryRead(new SegmentMessage(0, null, record), null, receivedAt, out var segment, out _, out error)) return false;
        DateTimeOffset? at = record.TryGetProperty("timestamp"u8, out var timestamp) && timestamp.ValueKind == JsonValueKind.String
            && timestamp.TryGetDateTimeOffset(out var original) ? original : null;
        action = segment switch
        {
            EventAction { Event: var pending } => new ImportEvent(line, pending.CustomerKey, pending.Event),
            IdentifyAction identify => new ImportIdentify(line, identify.CustomerId, identify.Anonymous, null, identify.Patch with { By = producer, At = at }),
            AliasAction alias => new ImportIdentify(line, alias.CustomerId, null, alias.PreviousId, new TraitPatch([], [], producer)),
            _ => null,
        };
        return action is not null || Fail("the message asks for nothing an import applies", out error);
    }

    private static readonly JsonElement Empty = JsonDocument.Parse("{}").RootElement;

    private static bool Fail(string message, out string error)
    {
        error = message;
        return false;
    }
}
