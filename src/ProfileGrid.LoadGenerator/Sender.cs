using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace ProfileGrid.LoadGenerator;

/// <summary>Posts bodies over a pool of at most <c>connections</c> HTTP/1.1 connections and records each answer.</summary>
public sealed class Sender : IDisposable
{
    private static readonly MediaTypeHeaderValue JsonType = new("application/json");
    private readonly HttpClient _http;
    private readonly Uri _target;

    public Sender(Uri baseUrl, string path, string? key, int connections)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            UseCookies = false,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        _http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(60) };
        if (key is not null) _http.DefaultRequestHeaders.Add("X-Api-Key", key);
        _target = new Uri(baseUrl, path);
    }

    public Uri Target => _target;

    /// <summary>Posts <paramref name="body"/> and records the answer in <paramref name="stats"/> (latency from <paramref name="since"/>, a <see cref="Stopwatch"/> timestamp).</summary>
    public async Task SendAsync(byte[] body, int events, long since, RunStats? stats)
    {
        try
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = JsonType;
            using var response = await _http.PostAsync(_target, content);
            var answer = await response.Content.ReadAsByteArrayAsync();
            var latency = Stopwatch.GetElapsedTime(since);
            if (stats is null) return;
            if (response.IsSuccessStatusCode) stats.Succeeded(Answer.Parse(answer, events), latency);
            else stats.Failed(((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture), latency);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or IOException)
        {
            stats?.Failed(exception is TaskCanceledException ? "timeout" : "connection", Stopwatch.GetElapsedTime(since));
        }
    }

    public void Dispose() => _http.Dispose();
}
