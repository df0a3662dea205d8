using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;
using ProfileGrid.Benchmarks.Storage;
using ProfileGrid.Storage;
using ProfileGrid.Testing;

if (args is ["-h" or "--help"])
{
    Console.WriteLine(StorageOptions.Usage);
    return 0;
}

var options = StorageOptions.Parse(args);
await using var azurite = await AzuriteProcess.StartInMemoryAsync();
using var host = await StorageSilo.StartAsync(azurite.ConnectionString);
var figures = await new StorageRace(
    host.Services.GetRequiredKeyedService<IGrainStorage>(StorageSilo.WholeState),
    host.Services.GetRequiredKeyedService<IJournalStorage>(StorageSilo.Journal),
    host.Services.GetRequiredService<Serializer>(),
    options).RunAsync();
await host.StopAsync();
var command = Environment.GetEnvironmentVariable("BENCH_STORAGE_COMMAND") ?? "ProfileGrid.Benchmarks.Storage " + string.Join(' ', args);
var markdown = figures.ToMarkdown(command, Environment.GetEnvironmentVariable("BENCH_STORAGE_NOTE"));
if (options.Out is { } file)
{
    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
    await File.WriteAllTextAsync(file, markdown);
}

Console.WriteLine(markdown);
return 0;
