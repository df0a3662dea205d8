using ProfileGrid.Replay;
using ProfileGrid.Settings;

namespace ProfileGrid.Grains.Tests.Replay;

public sealed class ReplayOptionsTests
{
    [Fact]
    public void Options_that_would_not_bound_a_replay_are_refused_at_start_with_each_problem()
    {
        var validator = new CheckedOptionsValidator<ReplayOptions>();

        var result = validator.Validate(null, new ReplayOptions { CustomersPerPass = 0, MaxConcurrency = 1001, DutyCycle = 1.5, ResumeInterval = TimeSpan.Zero });

        Assert.Equal(
        [
            "ProfileGrid:Replay:CustomersPerPass must be 1 to 1000000, not 0.",
            "ProfileGrid:Replay:MaxConcurrency must be 1 to 1000, not 1001.",
            "ProfileGrid:Replay:DutyCycle must be above 0 and at most 1, not 1.5.",
            "ProfileGrid:Replay:ResumeInterval must be 1 s to 1 h, not 00:00:00.",
        ], result.Failures);
        Assert.True(validator.Validate(null, new ReplayOptions()).Succeeded);
        Assert.Equal(TimeSpan.FromSeconds(2), new ReplayOptions { DutyCycle = 0.5 }.RestAfter(TimeSpan.FromSeconds(2)));
    }
}
