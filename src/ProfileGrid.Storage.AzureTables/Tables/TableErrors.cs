using Azure;

namespace ProfileGrid.Storage.AzureTables.Tables;

internal static class TableErrors
{
    public const int NotFound = 404;
    public const int Conflict = 409;
    public const int PreconditionFailed = 412;

    /// <summary>The request lost a race: the row was missing, already there, or changed since it was read.</summary>
    public static bool IsContention(this RequestFailedException exception) =>
        exception.Status is NotFound or Conflict or PreconditionFailed;
}
