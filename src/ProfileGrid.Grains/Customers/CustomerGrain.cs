using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using ProfileGrid.Events;

namespace ProfileGrid.Customers;

/// <summary>
/// Owns one customer's profile and counters. Every change is written to storage before the call returns; if a
/// write fails, the in-memory state may hold changes that storage does not, so it is re-read before the next call.
/// </summary>
public sealed partial class CustomerGrain(
    [PersistentState("customer", StorageNames.Customers)] IPersistentState<CustomerState> state,
    [FromKeyedServices(DomainClock.Key)] TimeProvider clock,
    ILogger<CustomerGrain> logger) : Grain, ICustomerGrain
{
    private const string FutureError = "timestamp is more than 5 minutes in the future";

    private readonly Watchers _watchers = new(TimeProvider.System);
    private bool _stale;

    public async Task<ApplyEventsResult> ApplyEvents(CustomerEvent[] events)
    {
        await ReloadIfStale();
        var now = clock.GetUtcNow();
        var profile = state.State;
        var outcomes = new EventOutcome[events.Length];
        var errors = new string?[events.Length];
        var accepted = 0;
        List<CustomerEvent>? applied = null;
        for (var i = 0; i < events.Length; i++)
        {
            var customerEvent = events[i];
            if (customerEvent.Timestamp > now + EventLimits.MaxFutureSkew)
            {
                outcomes[i] = EventOutcome.Rejected;
                errors[i] = FutureError;
            }
            else if (!profile.AppliedEvents.TryAdd(customerEvent.Id, now))
            {
                outcomes[i] = EventOutcome.Duplicate;
            }
            else
            {
                profile.Apply(customerEvent, now);
                accepted++;
                (applied ??= new List<CustomerEvent>(events.Length)).Add(customerEvent);
            }
        }

        if (accepted > 0)
        {
            await Save(now);
            NotifyChanged(now, [.. applied!]);
        }

        return new ApplyEventsResult(outcomes, errors, profile.Seq);
    }

    public async Task<CustomerProfile?> GetProfile()
    {
        await ReloadIfStale();
        return state.State.Exists ? state.State.ToProfile(this.GetPrimaryKeyString(), clock.GetUtcNow()) : null;
    }

    public async Task<CustomerProfile> MergeTraits(TraitPatch patch)
    {
        await ReloadIfStale();
        var now = clock.GetUtcNow();
        if (state.State.Merge(patch) || !state.State.Exists)
        {
            await Save(now);
            NotifyChanged(now, []);
        }

        return state.State.ToProfile(this.GetPrimaryKeyString(), now);
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

    private void NotifyChanged(DateTimeOffset now, CustomerEvent[] applied)
    {
        if (_watchers.Count == 0) return;
        var profile = state.State.ToProfile(this.GetPrimaryKeyString(), now);
        _watchers.Notify(observer => observer.ProfileChanged(profile, applied));
    }

    private void NotifyViewers()
    {
        var viewers = _watchers.AllViewers();
        var customerId = this.GetPrimaryKeyString();
        _watchers.Notify(observer => observer.ViewersChanged(customerId, viewers));
    }

    private async Task Save(DateTimeOffset now)
    {
        state.State.Compact(now);
        state.State.Seq++;
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception exception)
        {
            _stale = true;
            LogWriteFailed(logger, exception, this.GetPrimaryKeyString());
            throw;
        }
    }

    private async ValueTask ReloadIfStale()
    {
        if (!_stale) return;
        await state.ReadStateAsync();
        // Not every provider resets the state when the record is missing; never keep the unsaved changes.
        if (!state.RecordExists) state.State = new CustomerState();
        _stale = false;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storing customer {CustomerId} failed; its state will be re-read")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, string customerId);
}
