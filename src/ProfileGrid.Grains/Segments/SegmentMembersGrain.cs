using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Serialization;
using Orleans.Utilities;
using ProfileGrid.Customers;
using ProfileGrid.Segments.Members;
using ProfileGrid.Storage;

namespace ProfileGrid.Segments;

/// <summary>
/// One shard of a segment's members (<see cref="StorageNames.SegmentMembers"/>): a <see cref="MemberIndex"/> of pages
/// under a directory, so a shard grows in rows of bounded size and keeps only some pages in memory. It stores each
/// call's changes, then tells the gateways subscribed. Customers are the truth: their stored state says which
/// segments they are in, and they announce it again (their outbox, back-fills), so a change this shard failed to store
/// is sent again; a change older than the member's sequence number is ignored.
/// </summary>
public sealed class SegmentMembersGrain : Grain, ISegmentMembersGrain
{
    private readonly IJournalStorage _storage;
    private readonly CustomerCodec _codec;
    private readonly SegmentMembersOptions _options;
    private readonly ObserverManager<ISegmentObserver> _observers;
    private MemberIndex _index = null!;

    public SegmentMembersGrain(
        [FromKeyedServices(StorageNames.SegmentMembers)] IJournalStorage storage,
        Serializer serializer,
        IOptions<SegmentMembersOptions> options,
        ILogger<SegmentMembersGrain> logger)
    {
        (_storage, _codec, _options) = (storage, new CustomerCodec(serializer), options.Value);
        _observers = new ObserverManager<ISegmentObserver>(TimeSpan.FromMinutes(1), logger);
    }

    public override async Task OnActivateAsync(CancellationToken cancellationToken) =>
        _index = await MemberIndex.OpenAsync(_storage, _codec, this.GetPrimaryKeyString(), _options);

    public async Task Update(MembershipChange[] changes)
    {
        try
        {
            // Entering again is not news to agents.
            foreach (var change in await _index.UpdateAsync(changes)) _observers.Notify(observer => observer.SegmentChanged(change).Ignore());
            string[] erased = [.. changes.Where(change => change.Erased).Select(change => change.CustomerId).Distinct(StringComparer.Ordinal)];
            if (erased.Length > 0) await _index.EraseAsync(erased);
        }
        catch when (_index.Broken)
        {
            // Storage may hold more than memory now: the next call reads the shard again from storage.
            DeactivateOnIdle();
            throw;
        }
    }

    public async Task<SegmentMember[]> Members(string? after, int limit) => [.. await _index.MembersAsync(after, limit)];

    public Task<int> Count() => Task.FromResult(_index.Count);

    public async Task<SegmentMember?> Contains(string customerId) =>
        await _index.FindAsync(customerId) is { } member
            ? new SegmentMember(customerId, new DateTimeOffset(member.SinceTicks, TimeSpan.Zero), member.Sequence)
            : null;

    public Task Subscribe(ISegmentObserver observer)
    {
        _observers.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    public Task Unsubscribe(ISegmentObserver observer)
    {
        _observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }
}
