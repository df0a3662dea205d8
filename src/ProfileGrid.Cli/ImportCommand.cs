using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Spectre.Console;

namespace ProfileGrid.Cli;

/// <summary>
/// Posts a file to <c>POST /v1/imports</c> (gzipped on the way unless it is gzip already: the same file always makes the
/// same bytes, so posting it again names the same import), then follows <c>GET /v1/imports/{id}</c> with a progress bar
/// until it ends, and prints a report. Exit code 0 when the import is done, 1 when it failed, 2 when it could not start.
/// </summary>
public sealed class ImportCommand(HttpClient http, IAnsiConsole console, TimeSpan pollInterval)
{
    public const int Done = 0;
    public const int Failed = 1;
    public const int UsageError = 2;

    public async Task<int> RunAsync(ImportArguments arguments, CancellationToken cancellation)
    {
        var query = new List<string>();
        if (arguments.Producer is { } producer) query.Add($"producer={Uri.EscapeDataString(producer)}");
        if (arguments.Format is { } format) query.Add($"format={format}");
        var path = "v1/imports" + (query.Count == 0 ? "" : "?" + string.Join('&', query));

        string id;
        await using (var file = File.OpenRead(arguments.File))
        {
            using var content = await ContentOfAsync(file, arguments, cancellation);
            using var response = await http.PostAsync(path, content, cancellation);
            var body = await response.Content.ReadAsStringAsync(cancellation);
            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                console.MarkupLineInterpolated($"[red]The gateway refused the import ({(int)response.StatusCode}):[/] {Detail(body)}");
                return UsageError;
            }

            using var accepted = JsonDocument.Parse(body);
            id = accepted.RootElement.GetProperty("id").GetString()!;
            var created = accepted.RootElement.GetProperty("created").GetBoolean();
            console.MarkupLineInterpolated($"Import [bold]{id}[/] {(created ? "started" : "was posted before: following it")}.");
        }

        var status = await FollowAsync(id, cancellation);
        Report(status);
        return status.GetProperty("state").GetString() == "done" ? Done : Failed;
    }

    /// <summary>The file as it goes: as it is if gzip already, else gzipped while it is sent (constant memory).</summary>
    private static async Task<HttpContent> ContentOfAsync(FileStream file, ImportArguments arguments, CancellationToken cancellation)
    {
        var magic = new byte[2];
        var gzipped = await file.ReadAtLeastAsync(magic, 2, throwOnEndOfStream: false, cancellation) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
        file.Position = 0;
        HttpContent content = gzipped ? new StreamContent(file, 1 << 16) : new GzipContent(file);
        var name = arguments.File.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? arguments.File[..^3] : arguments.File;
        var csv = arguments.Format == "csv" || (arguments.Format is null && name.EndsWith(".csv", StringComparison.OrdinalIgnoreCase));
        content.Headers.ContentType = new MediaTypeHeaderValue(csv ? "text/csv" : "application/x-ndjson");
        content.Headers.ContentEncoding.Add("gzip");
        return content;
    }

    private async Task<JsonElement> FollowAsync(string id, CancellationToken cancellation)
    {
        JsonElement status = default;
        await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask("reading", maxValue: 1);
                while (true)
                {
                    status = await StatusAsync(id, cancellation);
                    var bytes = status.GetProperty("bytes").GetInt64();
                    task.Value = bytes == 0 ? 0 : Math.Min(1, status.GetProperty("bytesRead").GetInt64() / (double)bytes);
                    task.Description = Describe(status);
                    if (status.GetProperty("state").GetString() != "running")
                    {
                        if (status.GetProperty("state").GetString() == "done") task.Value = 1;
                        task.StopTask();
                        return;
                    }

                    await Task.Delay(pollInterval, cancellation);
                }
            });
        return status;
    }

    private async Task<JsonElement> StatusAsync(string id, CancellationToken cancellation)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var response = await http.GetAsync($"v1/imports/{id}", cancellation);
                response.EnsureSuccessStatusCode();
                using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellation));
                return document.RootElement.Clone();
            }
            catch (HttpRequestException) when (attempt < 60 && !cancellation.IsCancellationRequested)
            {
                // The gateway may be restarting: the import resumes from its checkpoint there, so keep following it.
                await Task.Delay(TimeSpan.FromSeconds(1), cancellation);
            }
        }
    }

    private static string Describe(JsonElement status)
    {
        var eta = status.TryGetProperty("etaSeconds", out var seconds) && seconds.ValueKind == JsonValueKind.Number
            ? $" eta {TimeSpan.FromSeconds(Math.Round(seconds.GetDouble())):g}" : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"{status.GetProperty("linesRead").GetInt64():N0} lines, {status.GetProperty("linesPerSecond").GetDouble():N0}/s, applied {status.GetProperty("applied").GetInt64():N0}, duplicates {status.GetProperty("duplicates").GetInt64():N0}, rejected {status.GetProperty("rejected").GetInt64():N0}{eta}");
    }

    private void Report(JsonElement status)
    {
        var table = new Table().AddColumn("import").AddColumn(status.GetProperty("id").GetString()!);
        foreach (var (name, field) in new[] { ("state", "state"), ("format", "format"), ("producer", "producer"), ("lines read", "linesRead"), ("applied", "applied"), ("duplicates", "duplicates"), ("rejected", "rejected"), ("runs", "runs") })
            table.AddRow(name, Markup.Escape(Text(status.GetProperty(field))));
        if (status.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String) table.AddRow("error", Markup.Escape(error.GetString()!));
        console.Write(table);
        if (status.GetProperty("rejected").GetInt64() > 0)
            console.MarkupLineInterpolated($"The rejected lines, with their numbers and why: GET /v1/imports/{status.GetProperty("id").GetString()}/rejected");
    }

    private static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Number => value.GetInt64().ToString("N0", CultureInfo.InvariantCulture),
        _ => value.GetRawText(),
    };

    private static string Detail(string body)
    {
        try
        {
            using var problem = JsonDocument.Parse(body);
            return problem.RootElement.TryGetProperty("detail", out var detail) ? detail.GetString() ?? body : body;
        }
        catch (JsonException)
        {
            return body;
        }
    }

    /// <summary>A file gzipped as it is sent: what the request holds is never the whole file.</summary>
    private sealed class GzipContent(Stream file) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await using var gzip = new GZipStream(stream, CompressionLevel.Fastest, leaveOpen: true);
            await file.CopyToAsync(gzip);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
