using Azure.Identity;
using Orleans.Runtime;
using ProfileGrid.Storage.AzureTables.Journals;
using ProfileGrid.Storage.AzureTables.Tables;

namespace ProfileGrid.Storage.AzureTables.Tests.Tables;

public sealed class ConnectionValidationTests
{
    [Fact]
    public void The_default_names_the_journal_table()
    {
        Assert.Equal("ProfileGridJournals", new AzureTableJournalStorageOptions().TableName);
    }

    [Fact]
    public void A_connection_string_or_a_service_uri_is_valid()
    {
        Validate(new AzureTableJournalStorageOptions { ConnectionString = "UseDevelopmentStorage=true" });
        Validate(new AzureTableJournalStorageOptions { ServiceUri = new Uri("https://acct.table.core.windows.net/") });
        Validate(new AzureTableJournalStorageOptions { ServiceUri = new Uri("https://acct.table.core.windows.net/"), TokenCredential = new DefaultAzureCredential() });
    }

    [Theory]
    [InlineData(null, null, "set exactly one of ConnectionString or ServiceUri")]
    [InlineData("UseDevelopmentStorage=true", "https://acct.table.core.windows.net/", "set exactly one of ConnectionString or ServiceUri")]
    public void Neither_or_both_connections_are_rejected_at_start_up(string? connectionString, string? serviceUri, string expected)
    {
        var options = new AzureTableJournalStorageOptions
        {
            ConnectionString = connectionString,
            ServiceUri = serviceUri is null ? null : new Uri(serviceUri),
        };

        var error = Assert.Throws<OrleansConfigurationException>(() => Validate(options));

        Assert.Contains("'profiles'", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("1table")]
    [InlineData("profile-grid")]
    public void Invalid_table_names_are_rejected_at_start_up(string tableName)
    {
        var options = new AzureTableJournalStorageOptions { ConnectionString = "UseDevelopmentStorage=true", TableName = tableName };

        var error = Assert.Throws<OrleansConfigurationException>(() => Validate(options));

        Assert.Contains($"TableName '{tableName}'", error.Message, StringComparison.Ordinal);
    }

    private static void Validate(AzureTableConnectionOptions options) =>
        new AzureTableConnectionValidator(options, "profiles").ValidateConfiguration();
}
