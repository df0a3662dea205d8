using Orleans.Storage;
using ProfileGrid.Storage.AzureTables.Tests.Infrastructure;

namespace ProfileGrid.Storage.AzureTables.Tests.Storage;

[Collection(AzuriteCollection.Name)]
public sealed class GrainStorageConcurrencyTests(AzuriteFixture azurite) : StorageTestBase(azurite)
{
    [Fact]
    public async Task Inserting_over_an_existing_row_throws_and_keeps_the_stored_data()
    {
        var grain = StorageHarness.NewGrain();
        await Harness.WriteNewAsync(grain, new ProfileState { Name = "first" });

        await Assert.ThrowsAnyAsync<InconsistentStateException>(() => Harness.WriteNewAsync(grain, new ProfileState { Name = "second" }));

        Assert.Equal("first", (await Harness.ReadAsync(grain)).State.Name);
    }

    [Fact]
    public async Task Writing_with_a_stale_etag_throws_and_keeps_the_stored_data()
    {
        var grain = StorageHarness.NewGrain();
        var current = await Harness.WriteNewAsync(grain, new ProfileState { Name = "v1" });
        var stale = new TestGrainState { State = new ProfileState { Name = "stale" }, ETag = current.ETag, RecordExists = true };
        current.State = new ProfileState { Name = "v2" };
        await Storage.WriteStateAsync("profile", grain, current);

        var error = await Assert.ThrowsAnyAsync<InconsistentStateException>(() => Storage.WriteStateAsync("profile", grain, stale));

        Assert.Equal(stale.ETag, error.CurrentEtag);
        var read = await Harness.ReadAsync(grain);
        Assert.Equal("v2", read.State.Name);
        Assert.Equal(current.ETag, read.ETag);
    }

    [Fact]
    public async Task Writing_to_a_deleted_row_with_its_old_etag_throws_and_does_not_recreate_it()
    {
        var grain = StorageHarness.NewGrain();
        var current = await Harness.WriteNewAsync(grain, new ProfileState { Name = "v1" });
        var stale = new TestGrainState { State = new ProfileState { Name = "stale" }, ETag = current.ETag };
        await Storage.ClearStateAsync("profile", grain, current);

        await Assert.ThrowsAnyAsync<InconsistentStateException>(() => Storage.WriteStateAsync("profile", grain, stale));

        Assert.False((await Harness.ReadAsync(grain)).RecordExists);
    }

    [Fact]
    public async Task Of_writers_racing_on_one_read_exactly_one_wins_each_round()
    {
        var grain = StorageHarness.NewGrain();
        await Harness.WriteNewAsync(grain, new ProfileState { Name = "start" });
        for (var round = 0; round < 5; round++)
        {
            var writers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Harness.ReadAsync(grain)));
            for (var i = 0; i < writers.Length; i++)
            {
                writers[i].State.Name = $"round {round} writer {i}";
            }

            var outcomes = await Task.WhenAll(writers.Select(async writer =>
            {
                try
                {
                    await Storage.WriteStateAsync("profile", grain, writer);
                    return writer.State.Name;
                }
                catch (InconsistentStateException)
                {
                    return null;
                }
            }));

            var winner = Assert.Single(outcomes, outcome => outcome is not null);
            Assert.Equal(winner, (await Harness.ReadAsync(grain)).State.Name);
        }
    }
}
