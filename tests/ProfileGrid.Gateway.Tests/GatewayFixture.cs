using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using ProfileGrid.Testing;

namespace ProfileGrid.Gateway.Tests;

/// <summary>The gateway in standalone mode (co-hosted silo on free loopback ports) with one key per role.</summary>
public class GatewayFixture : WebApplicationFactory<Program>
{
    public const string ProducerKey = "test-producer-key-0001";
    public const string AgentKey = "test-agent-key-0001";
    public const string AdminKey = "test-admin-key-0001";
    public const string SecondAgentKey = "test-agent-key-0002";
    public const string SecondProducerKey = "test-producer-key-0002";
    public const string ScopedAgentKey = "test-scoped-agent-key-0001";

    /// <summary>The token signing key every test gateway shares, as replicas of one deployment do.</summary>
    public static readonly byte[] SigningKey = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];

    /// <summary>The co-hosted silo's gateway port, which a second gateway in client mode joins through.</summary>
    public int SiloGatewayPort { get; } = FreePort.Next();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ProfileGrid:Silo:SiloPort", FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("ProfileGrid:Silo:GatewayPort", SiloGatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // Back-fills run without resting, so that tests of what they fill wait less; SweepGatewayFixture tests the pacing.
        builder.UseSetting("ProfileGrid:Segments:Sweep:DutyCycle", "1");
        UseTestKeys(builder);
    }

    public static void UseTestKeys(IWebHostBuilder builder)
    {
        string[][] keys = [[ProducerKey, "producer", "test producer"], [AgentKey, "agent", "test agent"],
            [AdminKey, "admin", "test admin"], [SecondAgentKey, "agent", "second agent"], [ScopedAgentKey, "agent", "scoped agent", "pii", "export"],
            [SecondProducerKey, "producer", "second producer"]];
        for (var i = 0; i < keys.Length; i++)
        {
            builder.UseSetting($"ProfileGrid:ApiKeys:{i}:Key", keys[i][0]);
            builder.UseSetting($"ProfileGrid:ApiKeys:{i}:Role", keys[i][1]);
            builder.UseSetting($"ProfileGrid:ApiKeys:{i}:Name", keys[i][2]);
            for (var s = 3; s < keys[i].Length; s++) builder.UseSetting($"ProfileGrid:ApiKeys:{i}:Scopes:{s - 3}", keys[i][s]);
        }

        builder.UseSetting("ProfileGrid:Tokens:SigningKey", Convert.ToBase64String(SigningKey));
    }

    public HttpClient As(string? key)
    {
        var client = CreateClient();
        if (key is not null) client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static string NewCustomerId() => $"c-{Guid.NewGuid():N}";
}

[CollectionDefinition(Name)]
public sealed class GatewayCollection : ICollectionFixture<GatewayFixture>
{
    public const string Name = "gateway";
}
