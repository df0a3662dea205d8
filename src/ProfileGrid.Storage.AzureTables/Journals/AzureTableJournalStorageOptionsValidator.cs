using Orleans;
using Orleans.Runtime;

namespace ProfileGrid.Storage.AzureTables.Journals;

/// <summary>Checks at start-up the options a journal storage adds to the table connection.</summary>
internal sealed class AzureTableJournalStorageOptionsValidator(AzureTableJournalStorageOptions options, string providerName) : IConfigurationValidator
{
    public void ValidateConfiguration()
    {
        if (options.PartitionCount is < 1 or > AzureTableJournalStorageOptions.MaxPartitionCount)
        {
            throw new OrleansConfigurationException(
                $"Azure Table journal storage '{providerName}': PartitionCount {options.PartitionCount} must be between 1 and {AzureTableJournalStorageOptions.MaxPartitionCount}.");
        }

        if (options.MaxConcurrentRequests < 1)
        {
            throw new OrleansConfigurationException(
                $"Azure Table journal storage '{providerName}': MaxConcurrentRequests {options.MaxConcurrentRequests} must be at least 1.");
        }
    }
}
