namespace ProfileGrid.Gateway.Security;

/// <summary>One API key from the configuration section <c>ProfileGrid:ApiKeys</c> (checked at start by <see cref="ApiKeysOptions.Problems"/>).</summary>
public sealed class ApiKeyOptions
{
    public string Key { get; set; } = "";

    public string Name { get; set; } = "";

    public ApiRole Role { get; set; }

    /// <summary>Extra permissions, e.g. <c>pii</c> to see personal data unmasked.</summary>
    public List<string> Scopes { get; set; } = [];
}
