using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace ProfileGrid.Testing;

/// <summary>
/// One ProfileGrid app (silo or gateway) run as <c>dotnet &lt;dll&gt; --urls http://127.0.0.1:&lt;port&gt;</c> with the
/// given environment, its output kept in <see cref="Log"/>; it can be crashed (<see cref="Kill"/>) or stopped
/// gracefully (<see cref="StopAsync"/>).
/// </summary>
public sealed class AppProcess : IAsyncDisposable, IDisposable
{
    private static readonly TimeSpan DefaultStartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan DefaultStopTimeout = TimeSpan.FromSeconds(30);

    // Variables of the test host's environment that would change what the app listens on or which settings it reads.
    private static readonly string[] InheritedToDrop = ["ASPNETCORE_URLS", "DOTNET_URLS", "ASPNETCORE_HTTP_PORTS",
        "ASPNETCORE_HTTPS_PORTS", "DOTNET_ENVIRONMENT", "ASPNETCORE_ENVIRONMENT", "DOTNET_gcServer"];

    private readonly Dictionary<string, string> _environment;
    private readonly HttpClient _probe;
    private Process? _process;

    /// <summary>An app process, not started yet.</summary>
    /// <param name="name">A short name for logs and failure messages, e.g. <c>silo-2</c>.</param>
    /// <param name="dll">The app's built dll (see <see cref="RepoPaths"/>).</param>
    /// <param name="environment">Environment variables on top of the test's own, e.g. <c>ProfileGrid__Cluster__ClusterId</c>.</param>
    /// <param name="httpPort">The HTTP port, or a free one.</param>
    public AppProcess(string name, string dll, IReadOnlyDictionary<string, string> environment, int? httpPort = null)
    {
        ArgumentNullException.ThrowIfNull(environment);
        Name = name;
        Dll = dll;
        HttpPort = httpPort ?? FreePort.Next();
        BaseAddress = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{HttpPort}/"));
        _environment = new Dictionary<string, string>(environment, StringComparer.Ordinal)
        {
            ["DOTNET_gcServer"] = "0",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
        };
        Log = new ProcessLog(name);
        _probe = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
    }

    /// <summary>The name used in logs and failure messages.</summary>
    public string Name { get; }

    /// <summary>The app's dll.</summary>
    public string Dll { get; }

    /// <summary>The HTTP port on 127.0.0.1.</summary>
    public int HttpPort { get; }

    /// <summary><c>http://127.0.0.1:&lt;port&gt;/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The last lines the process wrote, for failure messages.</summary>
    public ProcessLog Log { get; }

    /// <summary>The process id once started.</summary>
    public int? ProcessId => _process?.Id;

    /// <summary>The exit code once the process has exited, else null.</summary>
    public int? ExitCode => _process is not null && ChildProcess.HasExited(_process) ? _process.ExitCode : null;

    /// <summary>Whether the process was started and has not exited.</summary>
    public bool IsRunning => _process is not null && !ChildProcess.HasExited(_process);

    /// <summary>Starts the process and waits until <c>/healthz</c> (and, if <paramref name="waitForReady"/>, <c>/readyz</c>) answer 200.</summary>
    /// <exception cref="InvalidOperationException">It exited or did not become healthy in time; the message holds its output.</exception>
    public async Task StartAsync(bool waitForReady = true, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"{Name} is already running.");
        }

        var startInfo = new ProcessStartInfo(DotnetHost())
        {
            ArgumentList = { Dll, "--urls", BaseAddress.GetLeftPart(UriPartial.Authority) },
            // The content root (appsettings.json) is the current directory of a WebApplication.
            WorkingDirectory = Path.GetDirectoryName(Dll)!,
        };
        foreach (var name in InheritedToDrop)
        {
            startInfo.Environment.Remove(name);
        }

        foreach (var name in startInfo.Environment.Keys.Where(key => key.StartsWith("ProfileGrid__", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            startInfo.Environment.Remove(name);
        }

        foreach (var (name, value) in _environment)
        {
            startInfo.Environment[name] = value;
        }

        _process?.Dispose();
        _process = ChildProcess.Start(startInfo, Log);
        var deadline = DateTime.UtcNow + (timeout ?? DefaultStartTimeout);
        try
        {
            await WaitForAsync("healthz", deadline, cancellationToken);
            if (waitForReady)
            {
                await WaitForAsync("readyz", deadline, cancellationToken);
            }

            Log.Add("test", waitForReady ? "healthy and ready" : "healthy");
        }
        catch
        {
            ChildProcess.Kill(_process, Log);
            throw;
        }
    }

    /// <summary>Waits until <c>GET /{path}</c> answers 200 (e.g. <c>readyz</c> after a restart of storage).</summary>
    public Task WaitForAsync(string path, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        WaitForAsync(path, DateTime.UtcNow + timeout, cancellationToken);

    /// <summary>SIGKILLs the process (a crash: no shutdown code runs) and waits until it is gone.</summary>
    public void Kill()
    {
        if (_process is not null)
        {
            ChildProcess.Kill(_process, Log);
        }
    }

    /// <summary>SIGTERM (a graceful shutdown, as a container platform does) and waits; SIGKILL if it is still running after <paramref name="timeout"/>.</summary>
    /// <returns>Whether it exited by itself in time.</returns>
    public async Task<bool> StopAsync(TimeSpan? timeout = null) =>
        _process is null || await ChildProcess.SignalAndWaitAsync(_process, "TERM", timeout ?? DefaultStopTimeout, Log);

    /// <inheritdoc />
    public void Dispose()
    {
        Kill();
        _process?.Dispose();
        _process = null;
        _probe.Dispose();
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name} (pid {ProcessId}, {BaseAddress})");

    private async Task WaitForAsync(string path, DateTime deadline, CancellationToken cancellationToken)
    {
        var last = "no answer yet";
        while (DateTime.UtcNow < deadline)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_process is null || ChildProcess.HasExited(_process))
            {
                // An exit is seen before its last output lines are read: read them first, they say why.
                if (_process is not null) await ChildProcess.OutputReadAsync(_process);
                var code = _process is null ? "never started" : string.Create(CultureInfo.InvariantCulture, $"exited with code {_process.ExitCode}");
                throw new InvalidOperationException($"{Name} {code} before /{path} answered 200.{Environment.NewLine}{Log.Tail()}");
            }

            try
            {
                using var response = await _probe.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                last = string.Create(CultureInfo.InvariantCulture, $"{(int)response.StatusCode} {body}");
            }
            catch (HttpRequestException exception)
            {
                last = exception.Message;
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                last = "timed out";
            }

            await Task.Delay(200, cancellationToken);
        }

        throw new InvalidOperationException(
            $"{Name} did not answer 200 on /{path} in time (last: {last}).{Environment.NewLine}{Log.Tail()}");
    }

    private static string DotnetHost()
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return !string.IsNullOrEmpty(host) && File.Exists(host) ? host : "dotnet";
    }
}
