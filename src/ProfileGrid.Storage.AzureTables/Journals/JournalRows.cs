using System.Globalization;
using Azure.Data.Tables;
using ProfileGrid.Storage.AzureTables.Tables;

namespace ProfileGrid.Storage.AzureTables.Journals;

/// <summary>
/// The rows of one journal: a head row keyed by the sanitized journal key, and entry rows keyed by that key,
/// <see cref="TableKey.Separator"/> and the entry's number in two digits (<c>01</c> to <c>64</c>). The head key never
/// contains the separator, so no other journal's rows start with <c>{head}!</c>.
/// </summary>
internal readonly record struct JournalRows(string PartitionKey, string HeadRowKey)
{
    /// <summary>Characters after the separator in an entry row key.</summary>
    public const int EntryDigits = 2;

    public string EntryRowKey(int number) =>
        string.Create(CultureInfo.InvariantCulture, $"{HeadRowKey}{TableKey.Separator}{number:D2}");

    /// <summary>The head row and exactly this journal's entry rows: a bare range from the head key would also match longer keys.</summary>
    public string Filter
    {
        get
        {
            var entriesFrom = HeadRowKey + TableKey.Separator;
            var entriesTo = HeadRowKey + (char)(TableKey.Separator + 1);
            return TableClient.CreateQueryFilter(
                $"PartitionKey eq {PartitionKey} and (RowKey eq {HeadRowKey} or (RowKey ge {entriesFrom} and RowKey lt {entriesTo}))");
        }
    }

    /// <summary>The entry number that <paramref name="rowKey"/> names in this journal, or null for any other row.</summary>
    public int? EntryNumber(string rowKey)
    {
        if (rowKey.Length != HeadRowKey.Length + 1 + EntryDigits
            || !rowKey.StartsWith(HeadRowKey, StringComparison.Ordinal)
            || rowKey[HeadRowKey.Length] != TableKey.Separator
            || !int.TryParse(rowKey.AsSpan(HeadRowKey.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            || number is < 1 or > JournalVersion.MaxEntries)
        {
            return null;
        }

        return number;
    }
}
