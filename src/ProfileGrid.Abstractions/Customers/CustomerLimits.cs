namespace ProfileGrid.Customers;

/// <summary>
/// The bounds of one customer's state, so that it stays far inside a storage row however long the customer lives
/// and whatever producers send. Past a bound the event, trait or consent purpose is refused with the reason below;
/// what was stored before stays readable, watchable and erasable.
/// </summary>
public static class CustomerLimits
{
    public const int MaxEventTypes = 32;
    public const int MaxTraits = 100;
    public const int MaxTraitBytes = 16 * 1024;
    public const int MaxConsentPurposes = 32;

    /// <summary>Channels are a set for display; past this many, new channels are not listed (the event still counts).</summary>
    public const int MaxChannels = 32;

    /// <summary>An activity entry keeps at most this many bytes of the event's properties (a summary past that).</summary>
    public const int MaxActivityPropertiesBytes = 512;

    /// <summary>
    /// The activity ring keeps the newest events (at most 50) whose text (id, type, channel, property summary, plus
    /// 16 bytes each) fits in this many bytes: about 25 typical events; the newest event always stays.
    /// </summary>
    public const int MaxActivityBytes = 2048;

    public static readonly string EventTypesRule =
        $"the customer already has {MaxEventTypes} event types; events of a new type are refused";

    public static readonly string TraitsRule = $"a customer holds at most {MaxTraits} traits";

    public static readonly string TraitBytesRule = $"a customer's traits hold at most {MaxTraitBytes} bytes of JSON";

    public static readonly string ConsentRule = $"a customer holds at most {MaxConsentPurposes} consent purposes";

    /// <summary>Why an erased customer's events and traits are refused.</summary>
    public const string ErasedRule = "the customer was erased: nothing more is kept about it";
}
