using ProfileGrid.Storage.AzureTables.Storage;
using ProfileGrid.Storage.AzureTables.Tests.Infrastructure;

namespace ProfileGrid.Storage.AzureTables.Tests.Storage;

[Collection(AzuriteCollection.Name)]
public sealed class GrainStorageSizeTests(AzuriteFixture azurite) : StorageTestBase(azurite)
{
    [Fact]
    public async Task A_300_KiB_state_is_split_over_five_properties_and_read_back_whole()
    {
        var grain = StorageHarness.NewGrain();
        var blob = new byte[300 * 1024];
        new Random(7).NextBytes(blob);

        await Harness.WriteNewAsync(grain, new ProfileState { Name = "big", Blob = blob });

        var read = await Harness.ReadAsync(grain);
        Assert.Equal("big", read.State.Name);
        Assert.Equal(blob, read.State.Blob);
        var row = Assert.Single(await Harness.RowsAsync());
        Assert.Equal(
            ["Data", "Data1", "Data2", "Data3", "Data4"],
            row.Keys.Where(key => key.StartsWith("Data", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_state_larger_than_a_row_fails_clearly_and_writes_nothing()
    {
        var grain = StorageHarness.NewGrain();

        var error = await Assert.ThrowsAsync<StateTooLargeException>(
            () => Harness.WriteNewAsync(grain, new ProfileState { Blob = new byte[StatePayload.MaxSize] }));

        Assert.True(error.Size > StatePayload.MaxSize);
        Assert.Equal(15 * 64 * 1024, error.MaxSize);
        Assert.Contains("at most 983040 bytes", error.Message, StringComparison.Ordinal);
        Assert.False((await Harness.ReadAsync(grain)).RecordExists);
    }
}
