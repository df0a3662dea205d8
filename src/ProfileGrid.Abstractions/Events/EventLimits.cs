namespace ProfileGrid.Events;

/// <summary>The limits of the event contract, shared by the gateway's validation and the grain's rules.</summary>
public static class EventLimits
{
    public const int MaxIdLength = 128;
    public const int MaxTypeLength = 64;
    public const int MaxChannelLength = 64;
    public const int MaxPropertiesBytes = 16 * 1024;
    public const int MaxBatchEvents = 1000;
    public const int MaxBodyBytes = 1024 * 1024;

    /// <summary>The largest magnitude a <c>value</c> may have: 10^15, so that no window or lifetime sum can overflow.</summary>
    public const decimal MaxAbsValue = 1_000_000_000_000_000m;

    /// <summary>Values are kept to this many decimal places (rounded half away from zero).</summary>
    public const int ValueDecimals = 6;

    public const string ValueRule = "value must be a number between -1e15 and 1e15 (kept to 6 decimal places)";

    /// <summary>How far ahead of the receiving clock an event's timestamp may be.</summary>
    public static readonly TimeSpan MaxFutureSkew = TimeSpan.FromMinutes(5);

    /// <summary>The earliest timestamp an event may carry.</summary>
    public static readonly DateTimeOffset MinTimestamp = DateTimeOffset.UnixEpoch;

    public const string FutureRule = "timestamp is more than 5 minutes in the future";

    public const string TimestampRule = "timestamp must be an ISO 8601 date-time from 1970 on, e.g. 2026-11-23T10:15:00Z";

    /// <summary>The value as stored (rounded to <see cref="ValueDecimals"/> places), or false when it is out of range.</summary>
    public static bool TryNormalizeValue(decimal value, out decimal normalized)
    {
        normalized = 0m;
        if (value > MaxAbsValue || value < -MaxAbsValue) return false;
        // Dividing by 1.000000 drops the trailing zeros that rounding leaves (0.30000000000000004 → 0.3, not 0.300000).
        normalized = value.Scale > ValueDecimals ? Math.Round(value, ValueDecimals, MidpointRounding.AwayFromZero) / 1.000000m : value;
        return true;
    }
}
