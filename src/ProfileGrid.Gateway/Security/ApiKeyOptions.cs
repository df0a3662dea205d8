using System.ComponentModel.DataAnnotations;

namespace ProfileGrid.Gateway.Security;

/// <summary>One API key from the configuration section <c>ProfileGrid:ApiKeys</c>.</summary>
public sealed class ApiKeyOptions
{
    [Required, MinLength(16)]
    public string Key { get; set; } = "";

    [Required]
    public string Name { get; set; } = "";

    public ApiRole Role { get; set; }

    /// <summary>Extra permissions, e.g. <c>pii</c> to see personal data unmasked.</summary>
    public List<string> Scopes { get; set; } = [];
}
