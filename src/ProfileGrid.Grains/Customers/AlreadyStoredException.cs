namespace ProfileGrid.Customers;

/// <summary>
/// A write that assumed a new customer (its journal was never read) found the customer stored already. Nothing of
/// the write was stored; the grain reads the state and applies the calls again. It never leaves the grain.
/// </summary>
internal sealed class AlreadyStoredException(string customerId, Exception innerException)
    : Exception($"Customer '{customerId}' is stored already; its state is read and the changes applied again.", innerException);
