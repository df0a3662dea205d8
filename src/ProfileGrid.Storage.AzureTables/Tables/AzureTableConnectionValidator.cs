using System.Text.RegularExpressions;
using Orleans;
using Orleans.Runtime;

namespace ProfileGrid.Storage.AzureTables.Tables;

/// <summary>Checks at start-up that a provider's table options can work, naming the provider and the setting.</summary>
internal sealed partial class AzureTableConnectionValidator(AzureTableConnectionOptions options, string providerName) : IConfigurationValidator
{
    public void ValidateConfiguration()
    {
        if (string.IsNullOrWhiteSpace(options.TableName) || !TableNamePattern().IsMatch(options.TableName))
        {
            Fail($"TableName '{options.TableName}' is not a valid Azure table name (3-63 letters or digits, starting with a letter).");
        }

        var hasConnectionString = !string.IsNullOrWhiteSpace(options.ConnectionString);
        if (hasConnectionString == (options.ServiceUri is not null))
        {
            Fail("set exactly one of ConnectionString or ServiceUri.");
        }

        if (options.ServiceUri is { IsAbsoluteUri: false })
        {
            Fail($"ServiceUri '{options.ServiceUri}' must be an absolute URI.");
        }

        if (hasConnectionString && options.TokenCredential is not null)
        {
            Fail("TokenCredential is only used with ServiceUri, not with ConnectionString.");
        }
    }

    private void Fail(string problem) =>
        throw new OrleansConfigurationException($"Azure Table provider '{providerName}' ({options.GetType().Name}): {problem}");

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,62}$")]
    private static partial Regex TableNamePattern();
}
