using Azure.Data.Tables;
using Orleans.Storage;
using ProfileGrid.Storage.AzureTables.Tests.Infrastructure;

namespace ProfileGrid.Storage.AzureTables.Tests.Storage;

/// <summary>Orleans' grain storage as ProfileGrid configures it, on a table of its own, plus direct access to that table.</summary>
internal sealed class StorageHarness(IGrainStorage storage, TableClient table)
{
    public const string ServiceId = OrleansProviderHosts.ServiceId;

    public IGrainStorage Storage => storage;

    public TableClient Table => table;

    public static GrainId NewGrain() => GrainId.Create("customer", Guid.NewGuid().ToString("N"));

    public async Task<TestGrainState> ReadAsync(GrainId grain, string stateName = "profile")
    {
        var state = new TestGrainState();
        await Storage.ReadStateAsync(stateName, grain, state);
        return state;
    }

    public async Task<TestGrainState> WriteNewAsync(GrainId grain, ProfileState value, string stateName = "profile")
    {
        var state = new TestGrainState { State = value };
        await Storage.WriteStateAsync(stateName, grain, state);
        return state;
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
