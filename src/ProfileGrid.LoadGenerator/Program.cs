using ProfileGrid.LoadGenerator;

var options = LoadOptions.Parse(args, out var error);
if (options is null)
{
    if (string.IsNullOrEmpty(error))
    {
        Console.WriteLine(LoadOptions.Usage);
        return 0;
    }

    Console.Error.WriteLine(error);
    Console.Error.WriteLine(LoadOptions.Usage);
    return 2;
}

if (options.TargetPid is { } pid && !CpuWindow.Exists(pid))
{
    Console.Error.WriteLine($"--target-pid {pid}: no such process.");
    return 2;
}

var result = await new LoadRun(options, args).RunAsync();
var json = result.ToJson();
if (options.Out is not null) await File.WriteAllTextAsync(options.Out, json + Environment.NewLine);
Console.WriteLine(json);
return 0;
