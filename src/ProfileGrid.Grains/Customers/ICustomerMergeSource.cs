namespace ProfileGrid.Customers;

/// <summary>
/// The side of a customer grain that a merge's target calls: the profile being merged away hands its state over
/// and, once the target stored it, drops it. Same grain as <see cref="ICustomerGrain"/> (same key).
/// </summary>
[Alias("pg.ICustomerMergeSource")]
public interface ICustomerMergeSource : IGrainWithStringKey
{
    /// <summary>
    /// Marks the profile as merged into <paramref name="target"/> (stored before returning; calls from then on go to
    /// the target) and returns its state, or null when it holds nothing. Asked again by the same target, returns the
    /// same state until it is dropped.
    /// </summary>
    /// <exception cref="InvalidOperationException">The profile was merged into another customer, or erased.</exception>
    [Alias("HandOver")]
    Task<CustomerState?> HandOver(string target);

    /// <summary>Drops the data handed over to <paramref name="target"/>, which stored it; the redirect stays.</summary>
    [Alias("DropMerged")]
    Task DropMerged(string target);

    /// <summary>
    /// <paramref name="target"/>, which this profile was merged into (directly, or through one of the profiles in
    /// <paramref name="via"/>, themselves merged into the target), is being erased: every segment's member set forgets
    /// this profile and its row is deleted, key and all. Safe to repeat.
    /// </summary>
    /// <exception cref="InvalidOperationException">The profile was not merged into <paramref name="target"/> nor into one of <paramref name="via"/> (it is a customer of its own, or another's).</exception>
    [Alias("Purge.v2")]
    Task Purge(string target, string[] via);
}
