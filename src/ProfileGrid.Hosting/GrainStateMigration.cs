using System.Globalization;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Hosting;
using ProfileGrid.Settings;

namespace ProfileGrid.Hosting;

/// <summary>
/// The one-time upgrade from the hand-written grain storage (table <c>ProfileGridState</c>) to Orleans' own (table
/// <c>OrleansGrainState</c>): every row is copied under Orleans' keys with its payload unchanged, since both write
/// the state with Orleans' binary serializer in binary properties <c>Data</c>, <c>Data1</c>, …. Rows already there
/// are left alone, so it can run again; the old table is left for the operator to delete (docs/operations.md).
/// </summary>
public static class GrainStateMigration
{
    public const string HandWrittenTable = "ProfileGridState";
    public const string OrleansTable = "OrleansGrainState";

    /// <summary>
    /// The command <c>ProfileGrid.Silo migrate-grain-state</c>: migrates the account of <c>ProfileGrid:Storage</c>
    /// (settings as a silo reads them: appsettings, environment, command line) and says what it did.
    /// </summary>
    public static async Task<int> RunCommandAsync(string[] args)
    {
        ProfileGridStorageOptions? storage = null;
        var settings = StartupChecks.Run(() => storage = Host.CreateApplicationBuilder(args).Configuration.GetChecked<ProfileGridStorageOptions>());
        if (settings != 0) return settings;
        if (storage is not { IsDurable: true })
        {
            await Console.Error.WriteLineAsync("ProfileGrid:Storage names no storage account: memory storage has nothing to migrate.");
            return StartupChecks.BadSettingExitCode;
        }

        Console.WriteLine(await RunAsync(storage.CreateTableServiceClient()));
        return 0;
    }

    public static async Task<GrainStateMigrationResult> RunAsync(TableServiceClient tables, CancellationToken cancellationToken = default)
    {
        var source = tables.GetTableClient(HandWrittenTable);
        var target = tables.GetTableClient(OrleansTable);
        await target.CreateIfNotExistsAsync(cancellationToken);
        int copied = 0, present = 0, empty = 0, apart = 0;
        try
        {
            await foreach (var row in source.QueryAsync<TableEntity>(cancellationToken: cancellationToken))
            {
                if (!OrleansCanHoldApart(row.PartitionKey) || !OrleansCanHoldApart(row.RowKey))
                {
                    // Orleans' key would be another grain's too (a#b and a_b are both a_b there): copying it could hand
                    // one customer's identifier row to another. ProfileGrid now refuses such keys; the row stays behind.
                    apart++;
                    continue;
                }

                var moved = new TableEntity(OrleansKey(row.PartitionKey), OrleansKey(row.RowKey));
                foreach (var (name, value) in row)
                {
                    if (value is byte[] && name.StartsWith("Data", StringComparison.Ordinal)) moved[name] = value;
                }

                if (moved.Count == 2)
                {
                    // A cleared state written as an empty record: Orleans reads a missing row the same way.
                    empty++;
                    continue;
                }

                try
                {
                    await target.AddEntityAsync(moved, cancellationToken);
                    copied++;
                }
                catch (RequestFailedException exception) when (exception.Status == 409)
                {
                    present++;
                }
            }
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            // No hand-written table: nothing to migrate.
        }

        return new GrainStateMigrationResult(copied, present, empty, apart);
    }

    /// <summary>
    /// Whether the grain a hand-written key names keeps a key of its own in Orleans' storage: none of <c>/ \ # ?</c>
    /// after the one <c>/</c> between grain type and key (Orleans turns each into <c>_</c>, as it is in other keys).
    /// </summary>
    internal static bool OrleansCanHoldApart(string handWrittenKey)
    {
        var key = Unescaped(handWrittenKey);
        var separator = key.IndexOf('/', StringComparison.Ordinal);
        return key.AsSpan(separator + 1).IndexOfAny("/\\#?") < 0;
    }

    /// <summary>
    /// The key Orleans' storage gives what the hand-written storage stored under <paramref name="handWrittenKey"/>: that
    /// escaped <c>/ \ # ? ~</c> and control characters as <c>~</c> and two hex digits; Orleans turns <c>/ \ # ?</c> into
    /// <c>_</c> (its <c>AzureTableUtils.SanitizeTableProperty</c>).
    /// </summary>
    internal static string OrleansKey(string handWrittenKey) =>
        Unescaped(handWrittenKey).Replace('/', '_').Replace('\\', '_').Replace('#', '_').Replace('?', '_');

    private static string Unescaped(string handWrittenKey)
    {
        var key = new StringBuilder(handWrittenKey.Length);
        for (var i = 0; i < handWrittenKey.Length; i++)
        {
            if (handWrittenKey[i] == '~' && i + 2 < handWrittenKey.Length
                && byte.TryParse(handWrittenKey.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
            {
                key.Append((char)code);
                i += 2;
            }
            else
            {
                key.Append(handWrittenKey[i]);
            }
        }

        return key.ToString();
    }
}

/// <summary>
/// Rows copied, rows Orleans' table already held (an earlier run), cleared rows left behind, and rows left behind
/// because Orleans' key for them would be another grain's (an email with <c>#</c> or <c>?</c>).
/// </summary>
public sealed record GrainStateMigrationResult(int Copied, int AlreadyPresent, int Empty, int NotApart)
{
    public override string ToString() =>
        $"{Copied} rows copied from {GrainStateMigration.HandWrittenTable} to {GrainStateMigration.OrleansTable}, {AlreadyPresent} already there, {Empty} cleared ones left behind, " +
        $"{NotApart} left behind whose keys Orleans' storage cannot keep apart from others (an email with # or ?, which ProfileGrid now refuses).";
}
