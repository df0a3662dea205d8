using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using ProfileGrid.Storage.AzureTables.Storage;

namespace ProfileGrid.Storage.AzureTables.Tests.Storage;

/// <summary>A started grain storage on its own table, plus direct access to that table.</summary>
internal sealed class StorageHarness
{
    public const string ServiceId = "profilegrid-tests";
    private static readonly ServiceProvider Services = new ServiceCollection()
        .AddSerializer(builder => builder.AddAssembly(typeof(ProfileState).Assembly))
        .BuildServiceProvider();

    private StorageHarness(AzureTableGrainStorage storage, TableClient table)
    {
        Storage = storage;
        Table = table;
    }

    public AzureTableGrainStorage Storage { get; }

    public TableClient Table { get; }

    public static IGrainStorageSerializer BinarySerializer { get; } =
        new OrleansGrainStorageSerializer(Services.GetRequiredService<Serializer>());

    public static async Task<StorageHarness> StartAsync(string connectionString, string tableName, Action<AzureTableGrainStorageOptions>? configure = null)
    {
        var options = new AzureTableGrainStorageOptions
        {
            ConnectionString = connectionString,
            TableName = tableName,
            GrainStorageSerializer = BinarySerializer,
        };
        configure?.Invoke(options);
        var storage = new AzureTableGrainStorage(
            "test",
            options,
            Options.Create(new ClusterOptions { ServiceId = ServiceId, ClusterId = "tests" }),
            Services.GetRequiredService<IActivatorProvider>(),
            NullLogger<AzureTableGrainStorage>.Instance);
        await storage.InitializeAsync(CancellationToken.None);
        return new StorageHarness(storage, new TableClient(connectionString, tableName));
    }

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
