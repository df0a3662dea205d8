using System.Globalization;

namespace ProfileGrid.Segments.Members;

/// <summary>
/// The journal keys of one shard: its directory, its pages, and the row of its format before pages (the shard's own
/// key), all under the shard's key so that they sort and are found together.
/// </summary>
internal readonly record struct MemberKeys(string Shard)
{
    public string Directory => Shard + "/d";

    public string Legacy => Shard;

    public string Page(int pageId) => string.Create(CultureInfo.InvariantCulture, $"{Shard}/p{pageId}");
}
