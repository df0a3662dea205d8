using ProfileGrid.Storage.AzureTables.Tests.Infrastructure;

namespace ProfileGrid.Storage.AzureTables.Tests.Storage;

[Collection(AzuriteCollection.Name)]
public sealed class GrainStorageSizeTests(AzuriteFixture azurite) : StorageTestBase(azurite)
{
    /// <summary>15 properties of 64 KiB, Orleans' limit and the hand-written provider's alike.</summary>
    private const int MaxSize = 15 * 64 * 1024;

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

    // Differs from the hand-written provider: the limit is the same, but Orleans refuses with an
    // ArgumentOutOfRangeException naming both sizes instead of a StateTooLargeException. ProfileGrid's small grains
    // stay far below it and a registry write that would pass it is refused with the registry unchanged (docs/storage.md).
    [Fact]
    public async Task A_state_larger_than_a_row_fails_clearly_and_writes_nothing()
    {
        var grain = StorageHarness.NewGrain();

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => Harness.WriteNewAsync(grain, new ProfileState { Blob = new byte[MaxSize] }));

        Assert.Equal("dataSize", error.ParamName);
        Assert.True((int)error.ActualValue! > MaxSize);
        Assert.Contains($"MaxSize={MaxSize}", error.Message, StringComparison.Ordinal);
        Assert.False((await Harness.ReadAsync(grain)).RecordExists);
        Assert.Empty(await Harness.RowsAsync());
    }
}
