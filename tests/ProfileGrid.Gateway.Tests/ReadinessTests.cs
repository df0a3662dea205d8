using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;
using ProfileGrid.Hosting;

namespace ProfileGrid.Gateway.Tests;

/// <summary><c>/readyz</c> answers from a cached check: a flood of probes costs one check, and the answer follows the check after its time to live.</summary>
public sealed class ReadinessTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));
    private readonly CountingCheck _check = new();
    private WebApplication _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddSingleton<TimeProvider>(_clock);
        builder.Services.AddHealthChecks().AddCheck("counting", _check, tags: [HealthApi.ReadyTag]);
        builder.Services.AddSingleton<ReadinessCache>();
        _app = builder.Build();
        _app.MapHealthApi();
        await _app.StartAsync();
        _http = _app.GetTestClient();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Two_hundred_concurrent_probes_run_the_checks_once()
    {
        var answers = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => _http.GetAsync("/readyz")));

        Assert.All(answers, answer => Assert.Equal(HttpStatusCode.OK, answer.StatusCode));
        Assert.Equal(["Healthy"], (await Task.WhenAll(answers.Select(answer => answer.Content.ReadAsStringAsync()))).Distinct());
        Assert.Equal(1, _check.Calls);
    }

    [Fact]
    public async Task The_answer_follows_the_checks_once_the_cached_result_is_two_seconds_old()
    {
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync("/readyz")).StatusCode);
        _check.Status = HealthStatus.Unhealthy;

        _clock.Advance(TimeSpan.FromSeconds(1.9));
        var cached = await _http.GetAsync("/readyz");
        _clock.Advance(TimeSpan.FromSeconds(0.1));
        var fresh = await _http.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, cached.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, fresh.StatusCode);
        Assert.Equal("Unhealthy", await fresh.Content.ReadAsStringAsync());
        Assert.Equal("no-store, no-cache", fresh.Headers.CacheControl?.ToString());
        Assert.Equal(2, _check.Calls);
    }

    private sealed class CountingCheck : IHealthCheck
    {
        private int _calls;

        public int Calls => _calls;

        public HealthStatus Status { get; set; } = HealthStatus.Healthy;

        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _calls);
            // Slow enough that the flood arrives while it runs, as a storage round trip would be.
            await Task.Delay(50, cancellationToken);
            return new HealthCheckResult(Status);
        }
    }
}
