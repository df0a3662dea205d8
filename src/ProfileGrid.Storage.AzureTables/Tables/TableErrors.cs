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

    /// <summary>
    /// The service could not be reached, was busy or timed out (no answer, 408, 429, 5xx), also as the
    /// <see cref="AggregateException"/> the SDK throws once its retries are spent: retrying later can succeed.
    /// </summary>
    public static bool IsUnavailable(Exception exception) => exception switch
    {
        RequestFailedException failed => failed.Status is 0 or 408 or 429 or >= 500,
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsUnavailable),
        HttpRequestException or IOException or TimeoutException or OperationCanceledException or System.Net.Sockets.SocketException => true,
        _ => false,
    };
}
