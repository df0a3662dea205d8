using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ProfileGrid.Destinations;

namespace ProfileGrid.Customers;

/// <summary>
/// What a write owes the destinations (docs/destinations.md): planned from the write's changes before it is stored
/// (the state is then the one stored) and stored with it, in the same atomic step, as the write's record in the
/// deliveries outbox; its partition's reader is nudged once the write is stored, and takes it to the destinations'
/// queues. Never awaited by the write's callers beyond the write itself. A host without destinations
/// (<see cref="DestinationServices.AddDestinations"/> not called) owes none.
/// </summary>
public sealed partial class CustomerGrain
{
    private DestinationHandOff? _handOff;
    private bool _handOffResolved;

    private DestinationHandOff? HandOff
    {
        get
        {
            if (!_handOffResolved) (_handOff, _handOffResolved) = (ServiceProvider.GetService<DestinationHandOff>(), true);
            return _handOff;
        }
    }

    /// <summary>
    /// The deliveries the write of <paramref name="changes"/> owes, the destinations' rules read on <paramref name="profile"/>
    /// (the customer as of the write); null when none (no destination, or a failure, contained and logged).
    /// </summary>
    private List<OwedDelivery>? OwedBy(long seq, DateTimeOffset at, List<CustomerChange> changes, CustomerState state, Func<CustomerProfile> profile)
    {
        if (HandOff?.Destinations is not { Count: > 0 } destinations) return null;
        try
        {
            var owed = DestinationFeed.Plan(this.GetPrimaryKeyString(), seq, at, changes, state, destinations, profile, _logger);
            return owed.Count == 0 ? null : owed;
        }
        catch (Exception exception)
        {
            // A payload that does not write must not cost the customer its write.
            LogDeliveriesNotPlanned(_logger, exception, this.GetPrimaryKeyString(), seq);
            return null;
        }
    }

    /// <summary>The write's deliveries record (empty when it is past what a record holds: logged and counted, not sent).</summary>
    private ReadOnlyMemory<byte> DeliveriesRecordOf(List<OwedDelivery> owed, long seq) => HandOff!.Record(this.GetPrimaryKeyString(), seq, owed);

    /// <summary>Tells the reader of this customer's outbox partition that a stored write owes deliveries.</summary>
    private void NudgeDeliveries() => HandOff?.Nudge(this.GetPrimaryKeyString());

    [LoggerMessage(Level = LogLevel.Error, Message = "Customer {CustomerId}'s write {Seq} owes its destinations deliveries that could not be written; none are sent for it")]
    private static partial void LogDeliveriesNotPlanned(ILogger logger, Exception exception, string customerId, long seq);
}
