using ProfileGrid.Customers;

namespace ProfileGrid.Identity;

/// <summary>
/// Every identifier a customer holds or ever held, and every profile merged into it: what erasure must find (to
/// release each index row and delete each merged profile's row) and what an export lists. An entry is written
/// before its identifier is claimed and removed only after a refused claim was released again, so the ledger is
/// always a superset of the index rows the customer owns: a failure anywhere in between leaves rows erasure still
/// finds. A former identifier (a replaced email) stays, marked with when it stopped being the customer's, and is
/// released from the index. At most <see cref="MaxEntries"/> entries are linked by the customer's own calls;
/// merges bring the merged profile's entries along.
/// </summary>
[GenerateSerializer, Alias("pg.IdentifierLedger")]
public sealed class IdentifierLedger
{
    public const int MaxEntries = 1000;

    public static readonly string FullRule = $"a customer holds at most {MaxEntries} identifiers and merged profiles";

    [Id(0)] public Dictionary<string, LedgerEntry> Entries { get; set; } = new(StringComparer.Ordinal);

    public int Count => Entries.Count;

    /// <summary>Whether a profile of <paramref name="key"/> was merged into the customer.</summary>
    public bool HasMerged(string key) => Entries.TryGetValue(key, out var entry) && entry.Profile;

    /// <summary>Entries whose index row may still name their owner although they are former (a release that failed).</summary>
    public IEnumerable<LedgerEntry> PendingReleases() => Entries.Values.Where(entry => entry.Indexed && entry.FormerTicks != 0);

    public void Apply(LedgerChange change)
    {
        foreach (var entry in change.Upserts) Entries[entry.Key] = entry;
        foreach (var key in change.Removals) Entries.Remove(key);
    }

    /// <summary>
    /// Takes in a merged profile's ledger: its entries this one lacks, or holds only as former or unindexed (their
    /// index rows keep naming the profile, which forwards to this customer), and the profile itself.
    /// </summary>
    public void Absorb(IdentifierLedger? other, string profile, long atTicks)
    {
        foreach (var (key, entry) in other?.Entries ?? [])
        {
            // Both hold the key (this one had the email before, say, and the merged profile has it now): the entry
            // whose index row may exist wins, so that release and erasure still find that row.
            if (!Entries.TryGetValue(key, out var mine) || (entry.Indexed && entry.FormerTicks == 0 && !(mine.Indexed && mine.FormerTicks == 0)))
                Entries[key] = mine is null ? entry : entry with { Profile = mine.Profile || entry.Profile };
        }

        Entries[profile] = Entries.TryGetValue(profile, out var existing)
            ? existing with { Profile = true }
            : new LedgerEntry(profile, profile, Indexed: false, Profile: true, atTicks, 0);
    }

    public IdentifierHistory[] History() =>
    [
        .. Entries.Values.OrderBy(entry => entry.Key, StringComparer.Ordinal).Select(entry => new IdentifierHistory(
            entry.Key, entry.Indexed || entry.Key.Contains(':', StringComparison.Ordinal), entry.Profile, new DateTimeOffset(entry.SinceTicks, TimeSpan.Zero),
            entry.FormerTicks == 0 ? null : new DateTimeOffset(entry.FormerTicks, TimeSpan.Zero))),
    ];
}

/// <summary>
/// One identifier or merged profile in a customer's ledger.
/// </summary>
/// <param name="Key">The identifier key (<c>email:…</c>, <c>anon:…</c>) or the key of a profile merged in.</param>
/// <param name="Owner">The customer the index row names: this customer, or a profile merged into it that claimed it.</param>
/// <param name="Indexed">The index may hold a row for the key naming <paramref name="Owner"/> (claimed, being claimed, or not yet released).</param>
/// <param name="Profile">A profile of this key was merged into the customer: its row is deleted on erasure.</param>
/// <param name="SinceTicks">When the entry was made (UTC ticks).</param>
/// <param name="FormerTicks">When it stopped being the customer's (a replaced email), 0 while it is.</param>
[GenerateSerializer, Immutable, Alias("pg.LedgerEntry")]
public sealed record LedgerEntry(
    [property: Id(0)] string Key,
    [property: Id(1)] string Owner,
    [property: Id(2)] bool Indexed,
    [property: Id(3)] bool Profile,
    [property: Id(4)] long SinceTicks,
    [property: Id(5)] long FormerTicks);

/// <summary>Entries made or replaced, and entries removed (a refused claim given back), in one change of the ledger.</summary>
[GenerateSerializer, Immutable, Alias("pg.LedgerChange")]
public sealed record LedgerChange([property: Id(0)] LedgerEntry[] Upserts, [property: Id(1)] string[] Removals);
