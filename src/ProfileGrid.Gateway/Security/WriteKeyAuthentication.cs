namespace ProfileGrid.Gateway.Security;

/// <summary>
/// Endpoint metadata of a route that authenticates its caller itself, by a write key sent as the HTTP Basic user name
/// (or in the body), and takes the keys of these roles only: the Segment-compatible routes.
/// </summary>
public sealed record WriteKeyAuthentication(IReadOnlyList<ApiRole> Roles);
