namespace ProfileGrid.Gateway.Security;

/// <summary>What a key may do: producers write events, agents read profiles and watch, admins do everything.</summary>
public enum ApiRole
{
    Producer,
    Agent,
    Admin,
}
