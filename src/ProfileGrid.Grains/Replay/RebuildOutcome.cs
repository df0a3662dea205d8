using ProfileGrid.Customers;

namespace ProfileGrid.Replay;

/// <summary>A rebuild's result: the state, or whether it was skipped or failed and why.</summary>
public sealed record RebuildOutcome(CustomerState? State, string? Skip, string? Failure)
{
    public static RebuildOutcome Rebuilt(CustomerState state) => new(state, null, null);

    public static RebuildOutcome Skipped(string reason) => new(null, reason, null);

    public static RebuildOutcome Failed(string reason) => new(null, null, reason);
}
