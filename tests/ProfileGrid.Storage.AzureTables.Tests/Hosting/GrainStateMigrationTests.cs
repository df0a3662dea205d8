using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using ProfileGrid.Hosting;
using ProfileGrid.Storage.AzureTables.Tests.Infrastructure;

namespace ProfileGrid.Storage.AzureTables.Tests.Hosting;

/// <summary>The upgrade from the hand-written grain storage: a state it stored reads back through Orleans' storage after the migration.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class GrainStateMigrationTests(AzuriteFixture azurite)
{
    [Fact]
    public Task A_state_the_hand_written_storage_kept_reads_back_through_orleans_storage_after_the_migration() =>
        SmallGrainCluster.RunAsync(azurite.ConnectionString, async cluster =>
        {
            // The hand-written layout: PartitionKey "{ServiceId}_{grain id}" with '/' escaped as ~2F (and '~' as ~7E),
            // RowKey the state name, the payload in Data by Orleans' binary serializer.
            var key = $"ann~{Guid.NewGuid():N}";
            var serializer = cluster.Client.ServiceProvider.GetRequiredService<Serializer>();
            var old = new TableClient(azurite.ConnectionString, GrainStateMigration.HandWrittenTable);
            await old.CreateIfNotExistsAsync();
            await old.AddEntityAsync(new TableEntity($"{cluster.Options.ServiceId}_visitcounter~2F{key.Replace("~", "~7E", StringComparison.Ordinal)}", "profile")
            {
                ["Data"] = serializer.SerializeToArray(new ProfileState { Visits = 41 }),
            });
            var tables = new TableServiceClient(azurite.ConnectionString);

            var first = await GrainStateMigration.RunAsync(tables);
            var again = await GrainStateMigration.RunAsync(tables);

            Assert.True(first.Copied >= 1, first.ToString());
            Assert.Equal(0, again.Copied);
            Assert.Equal(first.Copied + first.AlreadyPresent, again.AlreadyPresent);
            Assert.Equal(42, await cluster.Client.GetGrain<IVisitCounterGrain>(key).Visit());
        });

    [Fact]
    public async Task A_row_whose_orleans_key_another_grain_shares_is_left_behind_and_counted()
    {
        // a#b@… and a_b@… are one key in Orleans' storage: the first must not become the second's identifier row.
        var service = $"svc{Guid.NewGuid():N}";
        var old = new TableClient(azurite.ConnectionString, GrainStateMigration.HandWrittenTable);
        await old.CreateIfNotExistsAsync();
        await old.AddEntityAsync(new TableEntity($"{service}_identity~2Femail:a~23b@example.com", "index") { ["Data"] = new byte[] { 1 } });
        await old.AddEntityAsync(new TableEntity($"{service}_identity~2Femail:a_c@example.com", "index") { ["Data"] = new byte[] { 2 } });

        var result = await GrainStateMigration.RunAsync(new TableServiceClient(azurite.ConnectionString));

        Assert.True(result.NotApart >= 1, result.ToString());
        var target = new TableClient(azurite.ConnectionString, GrainStateMigration.OrleansTable);
        var moved = await target.QueryAsync<TableEntity>(row => row.PartitionKey.CompareTo(service) >= 0 && row.PartitionKey.CompareTo(service + "~") < 0).ToListAsync();
        var only = Assert.Single(moved);
        Assert.Equal($"{service}_identity_email:a_c@example.com", only.PartitionKey);
        Assert.Equal(new byte[] { 2 }, only.GetBinary("Data"));
    }

    [Theory]
    [InlineData("svc_identity~2Femail:a~23b@example.com", false)]
    [InlineData("svc_identity~2Femail:a?b@example.com", false)]
    [InlineData("svc_identity~2Femail:a_b@example.com", true)]
    [InlineData("svc_segmentregistry~2F0", true)]
    public void A_key_is_kept_apart_unless_its_grain_key_holds_what_orleans_turns_into_an_underscore(string handWritten, bool apart) =>
        Assert.Equal(apart, GrainStateMigration.OrleansCanHoldApart(handWritten));

    [Theory]
    [InlineData("svc_identity~2Femail:ann@example.com", "svc_identity_email:ann@example.com")]
    [InlineData("svc_segmentregistry~2F0", "svc_segmentregistry_0")]
    [InlineData("svc_identity~2Fanon:a~7Eb", "svc_identity_anon:a~b")]
    public void Keys_are_unescaped_and_sanitized_as_orleans_does(string handWritten, string orleans) =>
        Assert.Equal(orleans, GrainStateMigration.OrleansKey(handWritten));
}
