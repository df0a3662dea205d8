using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using ProfileGrid.Testing;

namespace ProfileGrid.Benchmarks;

/// <summary>
/// The real gateway (standalone, memory storage) on Kestrel, plus the baseline <c>POST /bench/noop</c>: it reads and
/// parses the same body and answers 202, nothing else. Both run in this one process, so their ratio is comparable.
/// </summary>
internal sealed class BenchmarkGateway : WebApplicationFactory<Program>
{
    public const string ProducerKey = "benchmark-producer-key-0001";
    public const string NoopPath = "/bench/noop";

    private readonly int _port = FreePort.Next();

    public BenchmarkGateway() => UseKestrel(_port);

    public Uri BaseAddress => new($"http://127.0.0.1:{_port}/");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseContentRoot(Path.Combine(RepoPaths.Root, "src", "ProfileGrid.Gateway"));
        builder.UseSetting("ProfileGrid:Silo:SiloPort", FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("ProfileGrid:Silo:GatewayPort", FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("ProfileGrid:ApiKeys:0:Key", ProducerKey);
        builder.UseSetting("ProfileGrid:ApiKeys:0:Name", "benchmark");
        builder.UseSetting("ProfileGrid:ApiKeys:0:Role", "producer");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, NoopEndpoint>());
    }

    private sealed class NoopEndpoint : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, inner) =>
            {
                if (!context.Request.Path.Equals(NoopPath, StringComparison.Ordinal))
                {
                    await inner(context);
                    return;
                }

                using var document = await JsonDocument.ParseAsync(context.Request.Body);
                context.Response.StatusCode = StatusCodes.Status202Accepted;
                await context.Response.WriteAsync("""{"accepted":0,"duplicates":0,"rejected":[]}""");
            });
            next(app);
        };
    }
}
