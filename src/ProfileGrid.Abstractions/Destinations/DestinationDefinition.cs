namespace ProfileGrid.Destinations;

/// <summary>
/// A webhook endpoint that is told what happens to customers (docs/destinations.md): where, how it is signed, which
/// extra headers go with each request, and what it receives. <see cref="DefinedAt"/> is also the definition's version.
/// </summary>
/// <param name="Secret">The signing secret in Standard Webhooks form, <c>whsec_</c> and the base64 of its bytes.</param>
/// <param name="Purposes">Consent purposes a customer must have granted, every one, for anything about it to be sent.</param>
/// <param name="PersonalData">Whether trait values and event properties are sent (otherwise only names and counts).</param>
[GenerateSerializer, Immutable, Alias("pg.DestinationDefinition")]
public sealed record DestinationDefinition(
    [property: Id(0)] string Name,
    [property: Id(1)] string Url,
    [property: Id(2)] string Secret,
    [property: Id(3)] Dictionary<string, string> Headers,
    [property: Id(4)] DestinationFilter Filter,
    [property: Id(5)] string[] Purposes,
    [property: Id(6)] bool PersonalData,
    [property: Id(7)] DateTimeOffset DefinedAt,
    [property: Id(8)] string DefinedBy);

/// <summary>What a destination receives: entering and leaving the named segments, events of the named types, trait and consent changes.</summary>
/// <param name="When">
/// A rule of the segment language (docs/segments.md) the customer's profile must meet, as of the write that applied
/// them, for its events of the <paramref name="Events"/> types to be sent; null sends them all. Segment, trait and
/// consent changes are sent regardless.
/// </param>
[GenerateSerializer, Immutable, Alias("pg.DestinationFilter")]
public sealed record DestinationFilter(
    [property: Id(0)] string[] Segments,
    [property: Id(1)] string[] Events,
    [property: Id(2)] bool Traits,
    [property: Id(3)] bool Consent,
    [property: Id(4)] string? When = null)
{
    public bool Wants(DeliveryKind kind, string? name) => kind switch
    {
        DeliveryKind.SegmentEntered or DeliveryKind.SegmentLeft => name is not null && Array.IndexOf(Segments, name) >= 0,
        DeliveryKind.Event => name is not null && Array.IndexOf(Events, name) >= 0,
        DeliveryKind.TraitsChanged => Traits,
        DeliveryKind.ConsentChanged => Consent,
        _ => false,
    };
}

/// <summary>The kinds of delivery, each a CloudEvents <c>type</c> (<see cref="DeliveryTypes"/>).</summary>
public enum DeliveryKind
{
    SegmentEntered,
    SegmentLeft,
    Event,
    TraitsChanged,
    ConsentChanged,
}

/// <summary>The CloudEvents <c>type</c> of each <see cref="DeliveryKind"/>.</summary>
public static class DeliveryTypes
{
    public const string SegmentEntered = "com.profilegrid.segment.entered";
    public const string SegmentLeft = "com.profilegrid.segment.left";
    public const string Event = "com.profilegrid.event";
    public const string TraitsChanged = "com.profilegrid.traits.changed";
    public const string ConsentChanged = "com.profilegrid.consent.changed";

    public static string Of(DeliveryKind kind) => kind switch
    {
        DeliveryKind.SegmentEntered => SegmentEntered,
        DeliveryKind.SegmentLeft => SegmentLeft,
        DeliveryKind.Event => Event,
        DeliveryKind.TraitsChanged => TraitsChanged,
        DeliveryKind.ConsentChanged => ConsentChanged,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
