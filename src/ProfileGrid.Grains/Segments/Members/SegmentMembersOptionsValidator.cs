using Microsoft.Extensions.Options;

namespace ProfileGrid.Segments.Members;

/// <summary>Refuses options a shard cannot work with at start-up, naming the setting.</summary>
internal sealed class SegmentMembersOptionsValidator : IValidateOptions<SegmentMembersOptions>
{
    public ValidateOptionsResult Validate(string? name, SegmentMembersOptions options) =>
        options.Problem() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
}
