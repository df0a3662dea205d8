using Azure.Data.Tables;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using ProfileGrid.Storage.AzureTables.Journals;

namespace ProfileGrid.Storage.AzureTables.Tests.Journals;

/// <summary>A started journal storage on a table of its own, plus direct access to that table.</summary>
internal sealed class JournalHarness
{
    public const string ServiceId = "profilegrid-tests";

    private JournalHarness(AzureTableJournalStorage storage, TableClient table)
    {
        Storage = storage;
        Table = table;
    }

    public AzureTableJournalStorage Storage { get; }

    public TableClient Table { get; }

    public static async Task<JournalHarness> StartAsync(string connectionString, string tableName, Action<AzureTableJournalStorageOptions>? configure = null)
    {
        var options = new AzureTableJournalStorageOptions { ConnectionString = connectionString, TableName = tableName };
        configure?.Invoke(options);
        var storage = new AzureTableJournalStorage(
            "journals",
            options,
            Options.Create(new ClusterOptions { ServiceId = ServiceId, ClusterId = "tests" }),
            NullLogger<AzureTableJournalStorage>.Instance);
        await storage.InitializeAsync(CancellationToken.None);
        return new JournalHarness(storage, new TableClient(connectionString, tableName));
    }

    public async Task<List<TableEntity>> RowsAsync()
    {
        var rows = new List<TableEntity>();
        await foreach (var row in Table.QueryAsync<TableEntity>())
        {
            rows.Add(row);
        }

        return rows;
    }
}
