using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Orleans;

namespace ProfileGrid.Storage.AzureTables.Clustering;

/// <summary>Reads silo rows and the version row of one cluster's partition.</summary>
internal static class MembershipSnapshot
{
    public static async Task<MembershipTableData> ReadAsync(TableClient table, string filter, ILogger logger, CancellationToken cancellationToken = default)
    {
        var entries = new List<Tuple<MembershipEntry, string>>();
        var version = new TableVersion(0, string.Empty);
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            if (MembershipRow.IsVersionRow(entity))
            {
                version = new TableVersion(MembershipRow.ReadVersion(entity), entity.ETag.ToString());
                continue;
            }

            try
            {
                entries.Add(Tuple.Create(MembershipRow.ToEntry(entity), entity.ETag.ToString()));
            }
            catch (FormatException exception)
            {
                // One unreadable row must not hide the rest of the cluster.
                MembershipLog.UnreadableRow(logger, exception, table.Name, entity.PartitionKey, entity.RowKey);
            }
        }

        return new MembershipTableData(entries, version);
    }
}
