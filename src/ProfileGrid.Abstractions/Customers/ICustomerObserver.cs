using Orleans.Concurrency;
using ProfileGrid.Events;

namespace ProfileGrid.Customers;

/// <summary>
/// A gateway process's subscription to customers: one per process, not per browser. Calls are one-way, so a
/// slow or dead gateway never holds up the customer's grain.
/// </summary>
[Alias("pg.ICustomerObserver")]
public interface ICustomerObserver : IGrainObserver
{
    /// <summary>The profile after a change, and the events that change applied (empty for a trait change).</summary>
    [OneWay, Alias("ProfileChanged")]
    Task ProfileChanged(CustomerProfile profile, CustomerEvent[] applied);

    /// <summary>The customer was erased: nothing of it is kept, and nothing more will be.</summary>
    [OneWay, Alias("ProfileErased")]
    Task ProfileErased(string customerId, long seq);

    /// <summary>The names of every agent watching the customer, over all gateways.</summary>
    [OneWay, Alias("ViewersChanged")]
    Task ViewersChanged(string customerId, string[] viewers);
}
