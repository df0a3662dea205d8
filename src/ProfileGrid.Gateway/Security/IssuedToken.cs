namespace ProfileGrid.Gateway.Security;

/// <summary>The answer of <c>POST /v1/auth/token</c>: the token to send as <c>access_token</c> or Bearer, and when it stops working.</summary>
public sealed record IssuedToken(string Token, DateTimeOffset ExpiresAt);
