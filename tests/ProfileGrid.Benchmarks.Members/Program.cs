using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using ProfileGrid.Benchmarks.Members;
using ProfileGrid.Customers;
using ProfileGrid.Storage;

if (args is ["-h" or "--help"])
{
    Console.WriteLine(MembersOptions.Usage);
    return 0;
}

var options = MembersOptions.Parse(args);
var storage = new MemoryJournalStorage();
using var host = await MembersSilo.StartAsync(storage);
var figures = await new MembersProbe(host.Services.GetRequiredService<IGrainFactory>(), options).RunAsync();
var stored = await StoredRows.ReadAsync(storage, new CustomerCodec(host.Services.GetRequiredService<Serializer>()));
GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
figures = figures with { Stored = stored, HeapAfterBytes = GC.GetTotalMemory(false), PeakWorkingSetBytes = Process.GetCurrentProcess().PeakWorkingSet64 };
await host.StopAsync();
var command = "ProfileGrid.Benchmarks.Members " + string.Join(' ', args);
var note = Environment.GetEnvironmentVariable("BENCH_MEMBERS_NOTE");
if (note is not null && File.Exists("/proc/loadavg")) note += $" Load average after: {string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ')[..3])}.";
var markdown = figures.ToMarkdown(Environment.GetEnvironmentVariable("BENCH_MEMBERS_COMMAND") ?? command, note);
if (options.Out is { } file) await File.WriteAllTextAsync(file, markdown);
Console.WriteLine(markdown);
return figures.WrongChecks == 0 && figures.Counted == options.Count ? 0 : 1;
