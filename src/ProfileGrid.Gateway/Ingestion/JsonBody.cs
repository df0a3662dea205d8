using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using ProfileGrid.Gateway.Problems;

namespace ProfileGrid.Gateway.Ingestion;

/// <summary>
/// Reads a request body as JSON within a byte limit, answering 415 for another media type or charset, 413 past the
/// limit and 400 for anything malformed: invalid UTF-8, a lone surrogate escape, a repeated property name, nesting
/// deeper than 32 levels. Once a body is read, every string in it can be read without failing. The document lives
/// on a pooled buffer: dispose it to return the buffer.
/// </summary>
internal sealed class JsonBody : IDisposable
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 32, AllowDuplicateProperties = false };

    private byte[]? _buffer;

    private JsonBody(byte[] buffer, JsonDocument document)
    {
        _buffer = buffer;
        Document = document;
    }

    public JsonDocument Document { get; }

    public JsonElement Root => Document.RootElement;

    /// <param name="textPlain">Also accept <c>text/plain</c> (what browsers' beacons and analytics.js send, to avoid a CORS preflight).</param>
    public static async Task<(JsonBody? Body, ProblemHttpResult? Problem)> ReadAsync(HttpRequest request, int maxBytes, bool textPlain = false)
    {
        // application/json or a +json type (as HttpRequest.HasJsonContentType), parsed once for its charset too.
        var parsed = MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType);
        var isJson = parsed && (mediaType!.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || mediaType.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase));
        var plain = textPlain && parsed && mediaType!.MediaType.Equals("text/plain", StringComparison.OrdinalIgnoreCase);
        if (!isJson && !plain)
            return (null, Problem.UnsupportedMediaType(textPlain ? "Send the body as application/json (or text/plain)." : "Send the body as application/json."));
        if (mediaType!.Charset.HasValue
            && !mediaType.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) && !mediaType.Charset.Equals("utf8", StringComparison.OrdinalIgnoreCase))
            return (null, Problem.UnsupportedMediaType($"Send the body as UTF-8 JSON, not {mediaType.Charset}."));
        if (request.ContentLength > maxBytes)
            return (null, Problem.TooLarge($"The body is {request.ContentLength} bytes; at most {maxBytes} bytes are accepted."));

        var buffer = ArrayPool<byte>.Shared.Rent(request.ContentLength is { } length ? (int)length + 1 : 16 * 1024);
        var filled = 0;
        try
        {
            while (true)
            {
                if (filled == buffer.Length)
                {
                    if (filled > maxBytes) break;
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, maxBytes + 1));
                    buffer.AsSpan(0, filled).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await request.Body.ReadAsync(buffer.AsMemory(filled), request.HttpContext.RequestAborted);
                if (read == 0) break;
                filled += read;
                // The server delivers no more than the declared length, so there is no need to ask for the end.
                if (filled == request.ContentLength) break;
            }

            if (filled > maxBytes) return Refuse(buffer, Problem.TooLarge($"The body is larger than {maxBytes} bytes."));
            var json = buffer.AsMemory(0, filled);
            if (json.Span.StartsWith("\uFEFF"u8)) json = json[3..];
            if (!Utf8.IsValid(json.Span)) return Refuse(buffer, Problem.BadRequest("The body is not valid UTF-8."));

            // Before parsing: the parser's check for repeated names decodes every name and throws on a lone surrogate.
            if (HasLoneSurrogate(json.Span))
                return Refuse(buffer, Problem.BadRequest("The body holds a \\u escape of a lone surrogate, which is not a Unicode character."));

            return (new JsonBody(buffer, JsonDocument.Parse(json, DocumentOptions)), null);
        }
        catch (JsonException exception)
        {
            return Refuse(buffer, Problem.BadRequest($"The body is not valid JSON: {exception.Message}"));
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    public void Dispose()
    {
        Document.Dispose();
        if (_buffer is { } buffer) ArrayPool<byte>.Shared.Return(buffer);
        _buffer = null;
    }

    private static (JsonBody?, ProblemHttpResult?) Refuse(byte[] buffer, ProblemHttpResult problem)
    {
        ArrayPool<byte>.Shared.Return(buffer);
        return (null, problem);
    }

    /// <summary>
    /// Valid UTF-8 holds no surrogate, but a <c>\uD800</c> escape does, and reading it as a string throws. Only
    /// bodies with a <c>\u</c> escape are read twice, and only their escaped strings are decoded; malformed JSON
    /// found on the way throws <see cref="JsonException"/> as the parser would.
    /// </summary>
    private static bool HasLoneSurrogate(ReadOnlySpan<byte> json)
    {
        if (json.IndexOf("\\u"u8) < 0) return false;
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = DocumentOptions.MaxDepth });
        while (reader.Read())
        {
            if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName) || !reader.ValueIsEscaped) continue;
            try
            {
                reader.GetString();
            }
            catch (InvalidOperationException)
            {
                return true;
            }
        }

        return false;
    }
}
