namespace ProfileGrid.Customers;

/// <summary>How many events fell in a window and the sum of their values.</summary>
[GenerateSerializer, Immutable, Alias("pg.WindowTotal")]
public readonly record struct WindowTotal(
    [property: Id(0)] long Count,
    [property: Id(1)] decimal Sum);
