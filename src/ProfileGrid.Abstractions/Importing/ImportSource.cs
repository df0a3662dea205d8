namespace ProfileGrid.Importing;

/// <summary>Where an import reads from and how.</summary>
/// <param name="Location">A staged copy (a blob name in the container <c>imports</c>, or a temporary file's path), or a blob's URL.</param>
/// <param name="Staged">Whether <paramref name="Location"/> is a staged copy, deleted when the import is done.</param>
/// <param name="Format">The records' format.</param>
/// <param name="Producer">The producer the events' ids are scoped to, as for live events.</param>
/// <param name="Bytes">The size of the file as stored (compressed, if it is), for the estimate of the time left.</param>
/// <param name="Description">What the status shows as the source: "upload" or the URL.</param>
[GenerateSerializer, Immutable, Alias("pg.ImportSource")]
public sealed record ImportSource(
    [property: Id(0)] string Location,
    [property: Id(1)] bool Staged,
    [property: Id(2)] ImportFormat Format,
    [property: Id(3)] string Producer,
    [property: Id(4)] long Bytes,
    [property: Id(5)] string Description);

/// <summary>NDJSON (native events, trait records and Segment messages, one per line) or CSV (a header row, docs/imports.md).</summary>
public enum ImportFormat
{
    Ndjson,
    Csv,
}

/// <summary>An import runs until every line is read; it fails if the file cannot be read (corrupt, gone, not the format).</summary>
public enum ImportState
{
    Running,
    Done,
    Failed,
}
