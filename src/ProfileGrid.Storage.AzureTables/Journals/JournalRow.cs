using System.Globalization;

namespace ProfileGrid.Storage.AzureTables.Journals;

/// <summary>
/// The row that holds one journal: the snapshot in <c>Data</c>, <c>Data1</c>, … and entry n in <c>E01</c> … <c>E64</c>
/// (past 64 KiB also <c>E011</c>, <c>E012</c>, …: the entry number always has two digits), with <see cref="EntriesProperty"/> counting the entries. An append merges its entry
/// into the row and a snapshot replaces the row, so every write is one entity operation.
/// </summary>
internal readonly record struct JournalRow(string PartitionKey, string RowKey)
{
    public const string EntriesProperty = "Entries";

    /// <summary>The base name of entry <paramref name="number"/>'s properties.</summary>
    public static string EntryProperty(int number) => string.Create(CultureInfo.InvariantCulture, $"E{number:D2}");
}
