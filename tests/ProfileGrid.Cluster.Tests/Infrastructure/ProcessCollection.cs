namespace ProfileGrid.Cluster.Tests.Infrastructure;

/// <summary>Tests that run whole clusters of processes: one at a time, so that two clusters never share two cores.</summary>
[CollectionDefinition(Name)]
public sealed class ProcessCollection
{
    public const string Name = "Processes";
}
