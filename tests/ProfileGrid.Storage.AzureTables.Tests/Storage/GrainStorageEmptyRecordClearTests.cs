using ProfileGrid.Storage.AzureTables.Storage;
using ProfileGrid.Storage.AzureTables.Tests.Infrastructure;

namespace ProfileGrid.Storage.AzureTables.Tests.Storage;

[Collection(AzuriteCollection.Name)]
public sealed class GrainStorageEmptyRecordClearTests(AzuriteFixture azurite) : StorageTestBase(azurite)
{
    protected override void Configure(AzureTableGrainStorageOptions options) => options.DeleteStateOnClear = false;

    [Fact]
    public async Task Clear_writes_an_empty_record_with_a_new_etag()
    {
        var grain = StorageHarness.NewGrain();
        var state = await Harness.WriteNewAsync(grain, new ProfileState { Name = "ann" });
        var writtenEtag = state.ETag;

        await Storage.ClearStateAsync("profile", grain, state);

        Assert.False(state.RecordExists);
        Assert.False(string.IsNullOrEmpty(state.ETag));
        Assert.NotEqual(writtenEtag, state.ETag);
        Assert.Equal(string.Empty, state.State.Name);
        var row = Assert.Single(await Harness.RowsAsync());
        Assert.DoesNotContain(row.Keys, key => key.StartsWith("Data", StringComparison.Ordinal));
        var read = await Harness.ReadAsync(grain);
        Assert.False(read.RecordExists);
        Assert.Equal(state.ETag, read.ETag);
        Assert.Equal(string.Empty, read.State.Name);
    }

    [Fact]
    public async Task Write_after_an_empty_record_clear_replaces_it()
    {
        var grain = StorageHarness.NewGrain();
        var state = await Harness.WriteNewAsync(grain, new ProfileState { Name = "ann" });
        await Storage.ClearStateAsync("profile", grain, state);
        await Storage.ClearStateAsync("profile", grain, state);

        state.State = new ProfileState { Name = "bob" };
        await Storage.WriteStateAsync("profile", grain, state);

        var read = await Harness.ReadAsync(grain);
        Assert.True(read.RecordExists);
        Assert.Equal("bob", read.State.Name);
        Assert.Equal(state.ETag, read.ETag);
    }
}
