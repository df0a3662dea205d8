using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using ProfileGrid.Customers;

namespace ProfileGrid.Gateway.Tests;

/// <summary>
/// A gateway of its own for loading the segment sweep (it defines the deployment's 200 segments), with the sweep's
/// production pacing and at most <see cref="MaxConcurrency"/> customers evaluated at once, and a silo filter that
/// counts the customers' evaluations.
/// </summary>
public sealed class SweepGatewayFixture : GatewayFixture
{
    public const int MaxConcurrency = 4;

    public Evaluations Evaluations { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("ProfileGrid:Segments:Sweep:MaxConcurrency", MaxConcurrency.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("ProfileGrid:Segments:Sweep:DutyCycle", "0.25");
        builder.ConfigureTestServices(services => services.AddSingleton<IIncomingGrainCallFilter>(Evaluations));
    }
}

/// <summary>Counts <see cref="ICustomerGrain.ReevaluateSegments"/> calls: per customer, and the most in flight at once.</summary>
public sealed class Evaluations : IIncomingGrainCallFilter
{
    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);
    private int _inFlight;
    private int _mostInFlight;

    public int MostInFlight => Volatile.Read(ref _mostInFlight);

    public int CallsTo(string customerId) => _calls.GetValueOrDefault(customerId);

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.Grain is not ICustomerGrain || context.InterfaceMethod.Name != nameof(ICustomerGrain.ReevaluateSegments))
        {
            await context.Invoke();
            return;
        }

        _calls.AddOrUpdate(context.TargetId.Key.ToString()!, 1, static (_, count) => count + 1);
        var inFlight = Interlocked.Increment(ref _inFlight);
        for (var most = Volatile.Read(ref _mostInFlight); inFlight > most; most = Volatile.Read(ref _mostInFlight))
        {
            if (Interlocked.CompareExchange(ref _mostInFlight, inFlight, most) == most) break;
        }

        try
        {
            await context.Invoke();
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class SweepGatewayCollection : ICollectionFixture<SweepGatewayFixture>
{
    public const string Name = "sweep gateway";
}
