using Microsoft.Extensions.DependencyInjection;
using ProfileGrid.Benchmarks.Memory;

if (args is ["-h" or "--help"])
{
    Console.WriteLine(MemoryOptions.Usage);
    return 0;
}

var options = MemoryOptions.Parse(args);
using var host = await ProbeSilo.StartAsync();
var probe = new MemoryProbe(host.Services.GetRequiredService<IGrainFactory>(), Population.Named(options.Grain), options);
var result = await probe.RunAsync() with { Args = args };
await host.StopAsync();
var json = result.ToJson();
if (options.Out is { } file) await File.WriteAllTextAsync(file, json + Environment.NewLine);
Console.WriteLine(json);
return 0;
