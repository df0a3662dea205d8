using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using ProfileGrid.Gateway.Importing;
using ProfileGrid.Gateway.Ingestion;
using ProfileGrid.Gateway.OpenApi;
using ProfileGrid.Gateway.Problems;
using ProfileGrid.Gateway.Security;
using ProfileGrid.Importing;

namespace ProfileGrid.Gateway.Endpoints;

/// <summary>
/// Bulk imports of past events and traits (admin keys): an upload or a blob of the deployment's account, NDJSON or
/// CSV, gzip or not (docs/imports.md). Answered at once with the import's id; a gateway runs it in the background.
/// </summary>
public static class ImportsApi
{
    public const string DefaultProducer = "import";
    private const int MaxProducerLength = 64;
    private const int MaxUrlBodyBytes = 8 * 1024;
    private const string Tag = "Imports";

    public static IEndpointRouteBuilder MapImportsApi(this IEndpointRouteBuilder routes)
    {
        var admins = routes.MapPolicyGroup("/v1", Policies.Admin, Tag);
        admins.MapPost("/imports", Post)
            .AcceptsFileOrJsonBody<ImportUrlRequest>(NdjsonType, "text/csv");
        admins.MapGet("/imports/{id}", Get).ProducesProblem(StatusCodes.Status404NotFound);
        admins.MapGet("/imports/{id}/rejected", Rejected).ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    private const string NdjsonType = "application/x-ndjson";

    /// <summary>
    /// The file in the body (<c>application/x-ndjson</c> or <c>text/csv</c>, gzip or not), or <c>{"url": "..."}</c> naming
    /// a blob of the deployment's account. Answers 202 with the import's id once the file is staged: the same file
    /// from the same producer is the same import, which goes on from its checkpoint, or reports what it did.
    /// </summary>
    internal static async Task<Results<Accepted<ImportAccepted>, ProblemHttpResult>> Post(
        HttpRequest request, string? producer, string? format, ImportStaging staging, IGrainFactory grains, ImportRunner runner, CancellationToken cancellation)
    {
        producer ??= DefaultProducer;
        if (producer.Length is 0 or > MaxProducerLength || producer.Any(char.IsControl))
            return Problem.BadRequest($"producer must be 1 to {MaxProducerLength} printable characters (it scopes the events' ids, as an API key's name does for live events).", "producer");
        ImportFormat? named = format switch
        {
            null => null,
            "ndjson" => ImportFormat.Ndjson,
            "csv" => ImportFormat.Csv,
            _ => (ImportFormat?)(ImportFormat)(-1),
        };
        if (named is (ImportFormat)(-1)) return Problem.BadRequest("format must be ndjson or csv.", "format");

        var mediaType = MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType) ? contentType.MediaType.Value?.ToLowerInvariant() : null;
        string id;
        ImportSource source;
        if (mediaType is NdjsonType or "application/jsonl" or "text/csv")
        {
            // The file streams to its staged copy at constant memory, whatever its size.
            if (request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = null;
            var staged = await staging.StageAsync(request.Body, producer, cancellation);
            if (staged.Bytes == 0)
            {
                await staging.DeleteAsync(staged.Location, CancellationToken.None);
                return Problem.BadRequest("The body is empty: send the file's lines.");
            }

            id = staged.Id;
            source = new ImportSource(staged.Location, Staged: true, named ?? (mediaType == "text/csv" ? ImportFormat.Csv : ImportFormat.Ndjson), producer, staged.Bytes, "upload");
        }
        else if (mediaType is "application/json")
        {
            var (body, problem) = await JsonBody.ReadAsync(request, MaxUrlBodyBytes);
            if (body is null) return problem!;
            using (body)
            {
                if (body.Root.ValueKind != JsonValueKind.Object || !body.Root.TryGetProperty("url", out var urlElement) || urlElement.ValueKind != JsonValueKind.String
                    || !Uri.TryCreate(urlElement.GetString(), UriKind.Absolute, out var url))
                    return Problem.BadRequest("url is required: the absolute URL of a blob in this deployment's storage account.", "url");
                var (found, foundId, refused) = await staging.FindBlobAsync(url, producer, named, cancellation);
                if (found is null) return Problem.BadRequest(refused!, "url");
                (source, id) = (found, foundId!);
            }
        }
        else
        {
            return Problem.UnsupportedMediaType($"Send the file as {NdjsonType} or text/csv (Content-Encoding: gzip if compressed), or {{\"url\": ...}} as application/json.");
        }

        var start = await grains.GetGrain<IImportGrain>(id).Start(source);
        if (!start.Created && source.Staged) await staging.DeleteAsync(source.Location, CancellationToken.None);
        if (start.Status.State == ImportState.Running) runner.Wake();
        return TypedResults.Accepted($"/v1/imports/{id}", new ImportAccepted(id, start.Status.State, start.Created));
    }

    /// <summary>The import's counters, its rate and the time left.</summary>
    internal static async Task<Results<Ok<ImportStatusView>, ProblemHttpResult>> Get(string id, IGrainFactory grains) =>
        ImportIds.IsValid(id) && await grains.GetGrain<IImportGrain>(id).GetStatus() is { } status
            ? TypedResults.Ok(ImportStatusView.From(status))
            : Problem.NotFound($"No import '{id}' is known (or its record passed its retention).");

    /// <summary>The rejected lines kept (the first 1,000), each with its line number and why.</summary>
    internal static async Task<Results<Ok<ImportRejectedView>, ProblemHttpResult>> Rejected(string id, IGrainFactory grains) =>
        ImportIds.IsValid(id) && await grains.GetGrain<IImportGrain>(id).GetRejected() is { } rejected
            ? TypedResults.Ok(new ImportRejectedView(rejected.Id, rejected.Rejected, [.. rejected.Lines.Select(line => new RejectedLineView(line.Line, line.Reason, line.Text))]))
            : Problem.NotFound($"No import '{id}' is known (or its record passed its retention).");
}

/// <summary><c>{"url": "..."}</c>: import a blob of the deployment's storage account in place.</summary>
public sealed record ImportUrlRequest(Uri Url);

/// <summary>The answer to a posted import: its id (also in <c>Location</c>), its state, and whether this post started it.</summary>
public sealed record ImportAccepted(string Id, string State, bool Created)
{
    internal ImportAccepted(string id, ImportState state, bool created) : this(id, ImportStatusView.Name(state), created)
    {
    }
}

/// <summary>
/// An import's status: <c>state</c> is running, done or failed; counters are as of the last checkpoint; <c>bytes</c> is
/// the file's size as stored (compressed, if it is) and <c>bytesRead</c> how much of it the checkpoint covers.
/// </summary>
public sealed record ImportStatusView(
    string Id, string State, string Format, string Producer, string Source, long LinesRead, long Applied, long Duplicates, long Rejected,
    double LinesPerSecond, double? EtaSeconds, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, string? Error, int Runs, long Bytes, long BytesRead)
{
    internal static ImportStatusView From(ImportStatus status) => new(
        status.Id, Name(status.State), status.Format == ImportFormat.Csv ? "csv" : "ndjson", status.Producer, status.Source, status.LinesRead, status.Applied,
        status.Duplicates, status.Rejected, Math.Round(status.LinesPerSecond, 1), status.EtaSeconds is { } eta ? Math.Round(eta, 1) : null,
        status.StartedAt, status.FinishedAt, status.Error, status.Runs, status.Bytes, status.BytesRead);

    internal static string Name(ImportState state) => state switch
    {
        ImportState.Done => "done",
        ImportState.Failed => "failed",
        _ => "running",
    };
}

/// <summary>The rejected lines kept of an import (the first 1,000) and how many were rejected in all.</summary>
public sealed record ImportRejectedView(string Id, long Rejected, RejectedLineView[] Lines);

/// <summary>A rejected line: its number in the file, why, and its text (cut to 256 characters).</summary>
public sealed record RejectedLineView(long Line, string Reason, string Text);
