using Spectre.Console;

namespace ProfileGrid.Cli;

/// <summary>
/// <c>profilegrid import FILE [--gateway URL] [--api-key KEY] [--producer P] [--format ndjson|csv]</c>. The gateway and
/// key may also come from <c>PROFILEGRID_GATEWAY</c> and <c>PROFILEGRID_API_KEY</c> (a key on the command line shows in
/// the process list).
/// </summary>
public static class CliProgram
{
    public const string DefaultGateway = "http://localhost:5000";

    public static async Task<int> Main(string[] args)
    {
        var console = AnsiConsole.Console;
        if (args is not ["import", _, ..])
        {
            console.MarkupLine("usage: [bold]profilegrid import FILE[/] [[--gateway URL]] [[--api-key KEY]] [[--producer P]] [[--format ndjson|csv]]");
            return ImportCommand.UsageError;
        }

        if (!ImportArguments.TryParse(args[1..], Environment.GetEnvironmentVariable, out var arguments, out var problem))
        {
            console.MarkupLineInterpolated($"[red]{problem}[/]");
            return ImportCommand.UsageError;
        }

        using var http = new HttpClient { BaseAddress = arguments.Gateway, Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.Add("X-Api-Key", arguments.ApiKey);
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, stop) =>
        {
            // The import goes on in the gateway; stopping here only stops watching it.
            stop.Cancel = true;
            cancel.Cancel();
        };
        return await new ImportCommand(http, console, TimeSpan.FromMilliseconds(500)).RunAsync(arguments, cancel.Token);
    }
}
