using Superpower.Model;

namespace ProfileGrid.Rules;

/// <summary>Where a rule stops reading (1-based line and column) and why.</summary>
public sealed record RuleError(int Line, int Column, string Reason)
{
    internal static RuleError At(Position position, string reason) =>
        position.HasValue ? new RuleError(position.Line, position.Column, reason) : new RuleError(1, 1, reason);

    public override string ToString() => $"line {Line}, column {Column}: {Reason}";
}
