using System.Globalization;
using System.Net;
using Azure.Data.Tables;
using Orleans;
using Orleans.Runtime;
using ProfileGrid.Storage.AzureTables.Tables;

namespace ProfileGrid.Storage.AzureTables.Clustering;

/// <summary>How a <see cref="MembershipEntry"/> and the table version are laid out as table rows.</summary>
internal static class MembershipRow
{
    public const string VersionRowKey = "VersionRow";
    private const string VersionProperty = "MembershipVersion";
    private const string SuspectSeparator = "|";
    private const char SuspectFieldSeparator = ',';

    public static string RowKey(SiloAddress silo) =>
        TableKey.Sanitize($"{silo.Endpoint.Address}-{silo.Endpoint.Port}-{silo.Generation}");

    public static bool IsVersionRow(TableEntity entity) => entity.RowKey == VersionRowKey;

    public static TableEntity Version(string partitionKey, int version) =>
        new(partitionKey, VersionRowKey) { [VersionProperty] = version };

    public static int ReadVersion(TableEntity entity) => entity.GetInt32(VersionProperty) ?? 0;

    public static TableEntity IAmAlive(string partitionKey, MembershipEntry entry) =>
        new(partitionKey, RowKey(entry.SiloAddress)) { [nameof(MembershipEntry.IAmAliveTime)] = FormatTime(entry.IAmAliveTime) };

    public static TableEntity ToEntity(string partitionKey, MembershipEntry entry)
    {
        var entity = new TableEntity(partitionKey, RowKey(entry.SiloAddress))
        {
            [nameof(MembershipEntry.Status)] = entry.Status.ToString(),
            ["Address"] = entry.SiloAddress.Endpoint.Address.ToString(),
            ["Port"] = entry.SiloAddress.Endpoint.Port,
            ["Generation"] = entry.SiloAddress.Generation,
            [nameof(MembershipEntry.ProxyPort)] = entry.ProxyPort,
            [nameof(MembershipEntry.UpdateZone)] = entry.UpdateZone,
            [nameof(MembershipEntry.FaultZone)] = entry.FaultZone,
            [nameof(MembershipEntry.StartTime)] = FormatTime(entry.StartTime),
            [nameof(MembershipEntry.IAmAliveTime)] = FormatTime(entry.IAmAliveTime),
            [nameof(MembershipEntry.SuspectTimes)] = FormatSuspects(entry.SuspectTimes),
        };

        // Azure tables have no null property values: an absent property reads back as null.
        AddIfSet(entity, nameof(MembershipEntry.HostName), entry.HostName);
        AddIfSet(entity, nameof(MembershipEntry.SiloName), entry.SiloName);
        AddIfSet(entity, nameof(MembershipEntry.RoleName), entry.RoleName);
        return entity;
    }

    public static MembershipEntry ToEntry(TableEntity entity) => new()
    {
        SiloAddress = SiloAddress.New(
            IPAddress.Parse(Required(entity.GetString("Address"), "Address")),
            Required(entity.GetInt32("Port"), "Port"),
            Required(entity.GetInt32("Generation"), "Generation")),
        Status = Enum.Parse<SiloStatus>(Required(entity.GetString(nameof(MembershipEntry.Status)), nameof(MembershipEntry.Status))),
        ProxyPort = entity.GetInt32(nameof(MembershipEntry.ProxyPort)) ?? 0,
        HostName = entity.GetString(nameof(MembershipEntry.HostName)),
        SiloName = entity.GetString(nameof(MembershipEntry.SiloName)),
        RoleName = entity.GetString(nameof(MembershipEntry.RoleName)),
        UpdateZone = entity.GetInt32(nameof(MembershipEntry.UpdateZone)) ?? 0,
        FaultZone = entity.GetInt32(nameof(MembershipEntry.FaultZone)) ?? 0,
        StartTime = ParseTime(entity.GetString(nameof(MembershipEntry.StartTime))),
        IAmAliveTime = ParseTime(entity.GetString(nameof(MembershipEntry.IAmAliveTime))),
        SuspectTimes = ParseSuspects(entity.GetString(nameof(MembershipEntry.SuspectTimes))),
    };

    private static void AddIfSet(TableEntity entity, string property, string? value)
    {
        if (value is not null)
        {
            entity[property] = value;
        }
    }

    private static string Required(string? value, string property) =>
        value ?? throw new FormatException($"Membership row has no '{property}' property.");

    private static int Required(int? value, string property) =>
        value ?? throw new FormatException($"Membership row has no '{property}' property.");

    // Round-trip strings keep the full precision and kind; Edm.DateTime cannot hold DateTime.MinValue.
    private static string FormatTime(DateTime time) => time.ToString("O", CultureInfo.InvariantCulture);

    private static DateTime ParseTime(string? text) =>
        text is null ? default : DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    private static string FormatSuspects(List<Tuple<SiloAddress, DateTime>>? suspects) =>
        suspects is null
            ? string.Empty
            : string.Join(SuspectSeparator, suspects.Select(s => $"{s.Item1.ToParsableString()}{SuspectFieldSeparator}{FormatTime(s.Item2)}"));

    private static List<Tuple<SiloAddress, DateTime>> ParseSuspects(string? text) =>
        string.IsNullOrEmpty(text)
            ? []
            : [.. text.Split(SuspectSeparator).Select(item =>
            {
                var fields = item.Split(SuspectFieldSeparator);
                return Tuple.Create(SiloAddress.FromParsableString(fields[0]), ParseTime(fields[1]));
            })];
}
