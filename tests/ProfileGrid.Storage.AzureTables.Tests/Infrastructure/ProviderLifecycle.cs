namespace ProfileGrid.Storage.AzureTables.Tests.Infrastructure;

/// <summary>
/// Runs the start-up stages one provider subscribed to, as a silo would, without the rest of a silo: Orleans' table
/// grain storage creates its table and its table client only in its silo lifecycle stage.
/// </summary>
internal sealed class ProviderLifecycle : ISiloLifecycle
{
    private readonly SortedList<int, ILifecycleObserver> _stages = [];

    public int HighestCompletedStage { get; private set; } = int.MinValue;

    public int LowestStoppedStage => int.MaxValue;

    public static async Task StartAsync(object provider)
    {
        var lifecycle = new ProviderLifecycle();
        ((ILifecycleParticipant<ISiloLifecycle>)provider).Participate(lifecycle);
        Assert.NotEmpty(lifecycle._stages);
        foreach (var (stage, observer) in lifecycle._stages)
        {
            await observer.OnStart(CancellationToken.None);
            lifecycle.HighestCompletedStage = stage;
        }
    }

    public IDisposable Subscribe(string observerName, int stage, ILifecycleObserver observer)
    {
        _stages.Add(stage, observer);
        return new CancellationTokenSource();
    }
}
