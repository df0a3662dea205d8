using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using ProfileGrid.Gateway.Problems;

namespace ProfileGrid.Gateway.Ingestion;

/// <summary>
/// Reads a request body as JSON within a byte limit, answering 415 for another media type, 413 past the limit and
/// 400 for malformed JSON. The document lives on a pooled buffer: dispose it to return the buffer.
/// </summary>
internal sealed class JsonBody : IDisposable
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 32 };

    private byte[]? _buffer;

    private JsonBody(byte[] buffer, JsonDocument document)
    {
        _buffer = buffer;
        Document = document;
    }

    public JsonDocument Document { get; }

    public JsonElement Root => Document.RootElement;

    public static async Task<(JsonBody? Body, ProblemHttpResult? Problem)> ReadAsync(HttpRequest request, int maxBytes)
    {
        if (!request.HasJsonContentType())
            return (null, Problem.UnsupportedMediaType("Send the body as application/json."));
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
            }

            if (filled > maxBytes)
            {
                ArrayPool<byte>.Shared.Return(buffer);
                return (null, Problem.TooLarge($"The body is larger than {maxBytes} bytes."));
            }

            var document = JsonDocument.Parse(buffer.AsMemory(0, filled), DocumentOptions);
            return (new JsonBody(buffer, document), null);
        }
        catch (JsonException exception)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return (null, Problem.BadRequest($"The body is not valid JSON: {exception.Message}"));
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
}
