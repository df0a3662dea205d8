using ProfileGrid.Gateway.Compat;

namespace ProfileGrid.Gateway.Tests;

/// <summary>The Segment spec's clock skew correction: a sender's timestamp moved onto the gateway's clock, never past the calendar's ends.</summary>
public sealed class ClockSkewTests
{
    private static readonly DateTimeOffset ReceivedAt = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_sender_two_hours_behind_has_its_timestamp_moved_two_hours_on()
    {
        var sentAt = ReceivedAt.AddHours(-2);

        Assert.True(ClockSkew.TryCorrect(sentAt.AddMinutes(-10), sentAt, ReceivedAt, out var corrected));

        Assert.Equal(ReceivedAt.AddMinutes(-10), corrected);
    }

    [Fact]
    public void A_timestamp_with_an_offset_is_corrected_in_utc()
    {
        var sentAt = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.FromHours(3)); // 09:00 UTC: an hour behind

        Assert.True(ClockSkew.TryCorrect(sentAt.AddMinutes(-5), sentAt, ReceivedAt, out var corrected));

        Assert.Equal(new DateTimeOffset(2026, 11, 23, 9, 55, 0, TimeSpan.Zero), corrected);
    }

    [Fact]
    public void A_timestamp_whose_local_time_would_pass_the_calendars_end_is_still_corrected_in_utc()
    {
        var timestamp = new DateTimeOffset(9999, 12, 31, 23, 59, 59, TimeSpan.FromHours(14));

        Assert.True(ClockSkew.TryCorrect(timestamp, ReceivedAt.AddMinutes(-1), ReceivedAt, out var corrected));

        Assert.Equal(new DateTimeOffset(9999, 12, 31, 10, 0, 59, TimeSpan.Zero), corrected);
    }

    [Theory]
    [InlineData("9999-12-31T00:00:00Z", "2000-01-01T00:00:00Z")]
    [InlineData("2000-01-01T00:00:00Z", "9999-12-31T00:00:00Z")]
    [InlineData("0001-01-01T00:00:00Z", "2026-11-23T10:00:01Z")]
    public void A_correction_past_the_ends_of_the_calendar_is_refused_not_thrown(string timestamp, string sentAt) =>
        Assert.False(ClockSkew.TryCorrect(DateTimeOffset.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture),
            DateTimeOffset.Parse(sentAt, System.Globalization.CultureInfo.InvariantCulture), ReceivedAt, out _));
}
