using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using ProfileGrid.Events;

namespace ProfileGrid.Customers;

/// <summary>
/// Owns one customer's profile and counters. Every change is stored before the call returns. A change that fails
/// anywhere between its arrival and its storage (a rule, arithmetic, the storage itself) leaves memory ahead of
/// storage, so the state is re-read before the next call: memory never holds what storage does not, and event ids
/// count as applied only together with the state that holds their effects.
/// </summary>
public sealed partial class CustomerGrain(
    [PersistentState("customer", StorageNames.Customers)] IPersistentState<CustomerState> state,
    [FromKeyedServices(DomainClock.Key)] TimeProvider clock,
    ILogger<CustomerGrain> logger) : Grain, ICustomerGrain
{
    private readonly Watchers _watchers = new(TimeProvider.System);
    private bool _stale;

    public async Task<ApplyEventsResult> ApplyEvents(string producer, CustomerEvent[] events)
    {
        await ReloadIfStale();
        var now = clock.GetUtcNow();
        var result = await Change(now, () => state.State.Apply(producer, events, now), static applied => applied.Applied.Count > 0);
        if (result.Applied.Count > 0) NotifyChanged(now, [.. result.Applied]);
        return new ApplyEventsResult(result.Outcomes, result.Errors, state.State.Seq);
    }

    public async Task<CustomerProfile?> GetProfile()
    {
        await ReloadIfStale();
        return state.State.Exists ? state.State.ToProfile(this.GetPrimaryKeyString(), clock.GetUtcNow()) : null;
    }

    public async Task<TraitsResult> MergeTraits(TraitPatch patch)
    {
        await ReloadIfStale();
        var now = clock.GetUtcNow();
        var merged = await Change(now, () => state.State.Merge(patch), static merged => merged.Changed);
        if (merged.Changed) NotifyChanged(now, []);
        return new TraitsResult(state.State.Seq, [.. merged.Traits], [.. merged.Consent], [.. merged.Rejected]);
    }

    public async Task<CustomerProfile?> Watch(ICustomerObserver observer, string[] viewers)
    {
        if (_watchers.Renew(observer, viewers)) NotifyViewers();
        return await GetProfile();
    }

    public Task Unwatch(ICustomerObserver observer)
    {
        if (_watchers.Remove(observer)) NotifyViewers();
        return Task.CompletedTask;
    }

    public Task<int> GetSubscriptionCount() => Task.FromResult(_watchers.Count);

    /// <summary>Changes the state in memory and, if it changed, stores it; on any failure the state is re-read.</summary>
    private async Task<T> Change<T>(DateTimeOffset now, Func<T> change, Func<T, bool> changed)
    {
        try
        {
            var result = change();
            if (changed(result))
            {
                state.State.Compact(now);
                state.State.Seq++;
                await state.WriteStateAsync();
            }

            return result;
        }
        catch (Exception exception)
        {
            _stale = true;
            LogChangeFailed(logger, exception, this.GetPrimaryKeyString());
            throw;
        }
    }

    private void NotifyChanged(DateTimeOffset now, CustomerEvent[] applied)
    {
        if (_watchers.Count == 0) return;
        try
        {
            var profile = state.State.ToProfile(this.GetPrimaryKeyString(), now);
            _watchers.Notify(observer => observer.ProfileChanged(profile, applied));
        }
        catch (Exception exception)
        {
            // The change is stored and acknowledged; watchers catch up at their next renewal.
            LogNotifyFailed(logger, exception, this.GetPrimaryKeyString());
        }
    }

    private void NotifyViewers()
    {
        var viewers = _watchers.AllViewers();
        var customerId = this.GetPrimaryKeyString();
        _watchers.Notify(observer => observer.ViewersChanged(customerId, viewers));
    }

    private async ValueTask ReloadIfStale()
    {
        if (!_stale) return;
        await state.ReadStateAsync();
        // Not every provider resets the state when the record is missing; never keep the unsaved changes.
        if (!state.RecordExists) state.State = new CustomerState();
        _stale = false;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Changing customer {CustomerId} failed; nothing of the change is kept and its state will be re-read")]
    private static partial void LogChangeFailed(ILogger logger, Exception exception, string customerId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notifying the watchers of customer {CustomerId} failed; they catch up at their next renewal")]
    private static partial void LogNotifyFailed(ILogger logger, Exception exception, string customerId);
}
