using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Serialization;
using Orleans.Storage;

namespace ProfileGrid.Storage.AzureTables.Storage;

/// <summary>Falls back to the Orleans binary serializer: compact state keeps customer rows small.</summary>
internal sealed class DefaultGrainStorageSerializer(IServiceProvider services) : IPostConfigureOptions<AzureTableGrainStorageOptions>
{
    public void PostConfigure(string? name, AzureTableGrainStorageOptions options) =>
        options.GrainStorageSerializer ??= new OrleansGrainStorageSerializer(services.GetRequiredService<Serializer>());
}
