namespace ProfileGrid.Cluster.Tests.Infrastructure;

/// <summary>One event a producer posts; <see cref="Id"/> is unique in the test run.</summary>
internal sealed record TestEvent(string Id, string Type, string CustomerId, decimal Value);
