namespace ProfileGrid.Destinations;

/// <summary>
/// A definition as customer writes use it: its <c>filter.when</c> read once per catalog read, not once per write.
/// <see cref="When"/> is null when the filter has no rule, or when the stored rule no longer reads
/// (<see cref="WhenError"/>): then no event of it is sent, as for a rule that does not hold.
/// </summary>
public sealed record Destination(DestinationDefinition Definition, SegmentRule? When, RuleError? WhenError)
{
    public static Destination Of(DestinationDefinition definition) =>
        definition.Filter.When is not { } when ? new(definition, null, null)
        : RuleParser.TryParseCanonical(when, out var rule, out var error) ? new(definition, rule, null)
        : new(definition, null, error);
}
