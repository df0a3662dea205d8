using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ProfileGrid.Customers;
using ProfileGrid.Storage;
using static ProfileGrid.Gateway.Tests.GatewayFixture;

namespace ProfileGrid.Gateway.Tests;

/// <summary>What the archive and replay tests wait for: the archive caught up, a replay finished, a member list settled.</summary>
internal static class ArchiveWaits
{
    /// <summary>Waits until the gateway's outbox is empty: everything it stored is in the archive.</summary>
    public static async Task CaughtUpAsync(GatewayFixture gateway)
    {
        var outbox = gateway.Services.GetRequiredKeyedService<IJournalOutbox>(StorageNames.Customers);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var waiting = 0;
            for (var partition = 0; partition < outbox.PartitionCount; partition++) waiting += (await outbox.ReadOldestAsync(partition, 1)).Count;
            if (waiting == 0) return;
            Assert.True(DateTime.UtcNow < deadline, "The archive did not catch up within 20 s.");
            await Task.Delay(50);
        }
    }

    /// <summary>The replay's status once it is done or failed.</summary>
    public static async Task<JsonNode> ReplayFinishedAsync(GatewayFixture gateway, string id, TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            var status = await ApiAssert.Json(await gateway.As(AdminKey).GetAsync($"/v1/replays/{id}"), HttpStatusCode.OK);
            if ((string?)status["state"] is "done" or "failed") return status;
            Assert.True(DateTime.UtcNow < deadline, $"Replay {id} did not finish within {patience.TotalSeconds} s: {status.ToJsonString()}");
            await Task.Delay(50);
        }
    }

    /// <summary>What <paramref name="read"/> reads once it is <paramref name="expected"/> (member sets learn of changes after the writes).</summary>
    public static async Task<List<string>> UntilEqual(IReadOnlyList<string> expected, Func<Task<List<string>>> read, TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            var actual = await read();
            if (actual.SequenceEqual(expected) || DateTime.UtcNow > deadline)
            {
                Assert.Equal(expected, actual);
                return actual;
            }

            await Task.Delay(50);
        }
    }
}
