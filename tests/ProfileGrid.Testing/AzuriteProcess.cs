using System.Diagnostics;
using System.Globalization;

namespace ProfileGrid.Testing;

/// <summary>
/// A real Azurite (<c>node_modules/.bin/azurite</c> of the repository) on 127.0.0.1: its table and blob services (and
/// the queue service, which Azurite always starts, on a port of its own), in memory or persisted in a folder; it can be
/// stopped and started again on the same ports and folder to simulate a storage outage.
/// </summary>
public sealed class AzuriteProcess : IAsyncDisposable, IDisposable
{
    /// <summary>Azurite's well-known development account key.</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    // Azurite saves its table database to disk every 5 s and on SIGINT; a stop that loses data the emulator had
    // acknowledged would make every durability test meaningless, so a stop is SIGINT first, SIGKILL only as a fallback.
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);

    private readonly DirectoryInfo _workspace;
    private readonly bool _ownsWorkspace;
    private readonly int _queuePort;
    private Process? _process;

    private AzuriteProcess(int port, bool onDisk, string? location)
    {
        Port = port;
        BlobPort = FreePort.Next();
        _queuePort = FreePort.Next();
        _ownsWorkspace = location is null;
        _workspace = location is null ? Directory.CreateTempSubdirectory("profilegrid-azurite-") : Directory.CreateDirectory(location);
        Location = onDisk ? _workspace.FullName : null;
        Log = new ProcessLog(string.Create(CultureInfo.InvariantCulture, $"azurite :{port}"));
    }

    /// <summary>The table service port on 127.0.0.1; the same across restarts.</summary>
    public int Port { get; }

    /// <summary>The blob service port on 127.0.0.1; the same across restarts.</summary>
    public int BlobPort { get; }

    /// <summary>The folder Azurite persists its tables in, or null when it keeps them in memory (lost on stop).</summary>
    public string? Location { get; }

    /// <summary>What Azurite wrote, for failure messages.</summary>
    public ProcessLog Log { get; }

    /// <summary>Whether the process is running.</summary>
    public bool IsRunning => _process is not null && !ChildProcess.HasExited(_process);

    /// <summary>The connection string of the development account on this instance: its table and blob endpoints.</summary>
    public string ConnectionString => string.Create(CultureInfo.InvariantCulture,
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};TableEndpoint=http://127.0.0.1:{Port}/devstoreaccount1;BlobEndpoint=http://127.0.0.1:{BlobPort}/devstoreaccount1;");

    /// <summary>An instance that keeps its tables in memory (<c>--inMemoryPersistence</c>), on <paramref name="port"/> or a free port.</summary>
    public static AzuriteProcess InMemory(int? port = null) => new(port ?? FreePort.Next(), onDisk: false, location: null);

    /// <summary>
    /// An instance that persists its tables (<c>--location</c>) in <paramref name="location"/>, or in a temporary
    /// folder deleted on dispose, on <paramref name="port"/> or a free port.
    /// </summary>
    public static AzuriteProcess OnDisk(string? location = null, int? port = null) =>
        new(port ?? FreePort.Next(), onDisk: true, location);

    /// <summary>Starts an in-memory instance on a free port and waits until it accepts connections.</summary>
    public static async Task<AzuriteProcess> StartInMemoryAsync()
    {
        var azurite = InMemory();
        try
        {
            await azurite.StartAsync();
            return azurite;
        }
        catch
        {
            await azurite.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts Azurite (again) on <see cref="Port"/> and waits until the port accepts connections.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"Azurite is already running on port {Port}.");
        }

        var executable = RepoPaths.Azurite;
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException(
                $"Azurite is not installed ({executable} is missing): run npm ci in the repository root ({RepoPaths.Root}), then run the tests again.");
        }

        foreach (var port in (int[])[Port, BlobPort, _queuePort])
        {
            if (await FreePort.IsListeningAsync(port))
            {
                throw new InvalidOperationException($"Cannot start Azurite: something else already listens on port {port}.");
            }
        }

        var startInfo = new ProcessStartInfo(executable) { WorkingDirectory = _workspace.FullName };
        foreach (var argument in Arguments())
        {
            startInfo.ArgumentList.Add(argument);
        }

        _process?.Dispose();
        _process = ChildProcess.Start(startInfo, Log);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var running = _process;
        if (!await FreePort.WaitUntilListeningAsync(Port, StartTimeout, () => !ChildProcess.HasExited(running) && !cancel.IsCancellationRequested)
            || !await FreePort.WaitUntilListeningAsync(BlobPort, StartTimeout, () => !ChildProcess.HasExited(running) && !cancel.IsCancellationRequested))
        {
            var state = ChildProcess.HasExited(running)
                ? string.Create(CultureInfo.InvariantCulture, $"exited with code {running.ExitCode}")
                : $"did not accept connections within {StartTimeout.TotalSeconds:0}s";
            ChildProcess.Kill(running, Log);
            cancellationToken.ThrowIfCancellationRequested();
            throw new InvalidOperationException($"Azurite on port {Port} {state}.{Environment.NewLine}{Log.Tail()}");
        }
    }

    /// <summary>
    /// Stops the process tree: SIGINT, which makes Azurite save its tables and exit, and SIGKILL if it is still
    /// running after a few seconds. The port and folder stay reserved for <see cref="StartAsync"/>.
    /// </summary>
    public async Task StopAsync()
    {
        if (_process is not null)
        {
            await ChildProcess.SignalAndWaitAsync(_process, "INT", StopTimeout, Log);
            ChildProcess.Kill(_process, Log);
        }
    }

    /// <summary>SIGKILLs the process tree at once: tables saved less than ~5 s ago may be lost even with disk persistence.</summary>
    public void Kill()
    {
        if (_process is not null)
        {
            ChildProcess.Kill(_process, Log);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Kill();
        _process?.Dispose();
        _process = null;
        if (_ownsWorkspace)
        {
            try
            {
                _workspace.Delete(recursive: true);
            }
            catch (IOException)
            {
                // A temp folder left behind is not worth failing a test for.
            }
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private IEnumerable<string> Arguments()
    {
        yield return "--tableHost";
        yield return "127.0.0.1";
        yield return "--tablePort";
        yield return Port.ToString(CultureInfo.InvariantCulture);
        yield return "--blobHost";
        yield return "127.0.0.1";
        yield return "--blobPort";
        yield return BlobPort.ToString(CultureInfo.InvariantCulture);
        yield return "--queueHost";
        yield return "127.0.0.1";
        yield return "--queuePort";
        yield return _queuePort.ToString(CultureInfo.InvariantCulture);
        if (Location is null)
        {
            yield return "--inMemoryPersistence";
        }
        else
        {
            yield return "--location";
            yield return Location;
        }

        yield return "--skipApiVersionCheck";
        yield return "--disableProductStyleUrl";
        yield return "--disableTelemetry";
        yield return "--silent";
    }
}
