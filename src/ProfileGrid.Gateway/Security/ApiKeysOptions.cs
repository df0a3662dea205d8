using Microsoft.Extensions.Options;

namespace ProfileGrid.Gateway.Security;

/// <summary>The section <c>ProfileGrid</c>'s list of API keys.</summary>
public sealed class ApiKeysOptions
{
    public const string Section = "ProfileGrid";

    public List<ApiKeyOptions> ApiKeys { get; set; } = [];
}

/// <summary>Refuses to start with a key that is too short, unnamed, or listed twice.</summary>
internal sealed class ApiKeysOptionsValidator : IValidateOptions<ApiKeysOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiKeysOptions options)
    {
        var failures = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.ApiKeys.Count; i++)
        {
            var key = options.ApiKeys[i];
            if (key.Key.Length < 16) failures.Add($"ProfileGrid:ApiKeys:{i}:Key must be at least 16 characters.");
            if (string.IsNullOrWhiteSpace(key.Name)) failures.Add($"ProfileGrid:ApiKeys:{i}:Name is required.");
            if (!Enum.IsDefined(key.Role)) failures.Add($"ProfileGrid:ApiKeys:{i}:Role must be producer, agent or admin.");
            if (!seen.Add(key.Key)) failures.Add($"ProfileGrid:ApiKeys:{i}:Key is listed twice.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
