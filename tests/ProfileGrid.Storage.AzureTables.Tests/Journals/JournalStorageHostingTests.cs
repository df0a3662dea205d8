using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Runtime;
using ProfileGrid.Storage.AzureTables.Hosting;
using ProfileGrid.Storage.AzureTables.Journals;

namespace ProfileGrid.Storage.AzureTables.Tests.Journals;

public sealed class JournalStorageHostingTests
{
    [Fact]
    public void The_storage_is_a_keyed_journal_storage_and_joins_the_silo_lifecycle()
    {
        using var services = Services(options => options.ConnectionString = "UseDevelopmentStorage=true").BuildServiceProvider();

        var storage = services.GetRequiredKeyedService<IJournalStorage>("journals");

        Assert.IsType<AzureTableJournalStorage>(storage);
        Assert.Contains(services.GetServices<ILifecycleParticipant<ISiloLifecycle>>(), participant => ReferenceEquals(participant, storage));
        Assert.Null(services.GetKeyedService<IJournalStorage>("other"));
        foreach (var validator in services.GetServices<IConfigurationValidator>())
        {
            validator.ValidateConfiguration();
        }
    }

    [Theory]
    [InlineData(nameof(AzureTableJournalStorageOptions.PartitionCount), 0)]
    [InlineData(nameof(AzureTableJournalStorageOptions.PartitionCount), AzureTableJournalStorageOptions.MaxPartitionCount + 1)]
    [InlineData(nameof(AzureTableJournalStorageOptions.MaxConcurrentRequests), 0)]
    [InlineData(nameof(AzureTableJournalStorageOptions.MaxConcurrentRequests), -1)]
    public void A_count_out_of_range_fails_validation_naming_the_provider_and_the_setting(string setting, int value)
    {
        using var services = Services(options =>
        {
            options.ConnectionString = "UseDevelopmentStorage=true";
            if (setting == nameof(AzureTableJournalStorageOptions.PartitionCount)) options.PartitionCount = value;
            else options.MaxConcurrentRequests = value;
        }).BuildServiceProvider();

        var errors = services.GetServices<IConfigurationValidator>()
            .Select(validator => Record.Exception(validator.ValidateConfiguration))
            .OfType<OrleansConfigurationException>()
            .ToList();

        var error = Assert.Single(errors);
        Assert.Contains("'journals'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"{setting} {value}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_storage_without_a_connection_fails_validation()
    {
        using var services = Services(_ => { }).BuildServiceProvider();

        Assert.Contains(
            services.GetServices<IConfigurationValidator>().Select(validator => Record.Exception(validator.ValidateConfiguration)),
            error => error is OrleansConfigurationException && error.Message.Contains("set exactly one of ConnectionString or ServiceUri", StringComparison.Ordinal));
    }

    private static ServiceCollection Services(Action<AzureTableJournalStorageOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.Configure<ClusterOptions>(options => options.ServiceId = "service");
        services.AddAzureTableJournalStorage("journals", configure);
        return services;
    }
}
