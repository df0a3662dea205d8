using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace ProfileGrid.Testing;

/// <summary>Free loopback TCP ports for processes under test.</summary>
public static class FreePort
{
    // Below Linux's ephemeral range (32768+), so an outgoing connection cannot take a port between our pick
    // and the process binding it; and never the same port twice in one test run.
    private const int First = 20000;
    private const int Last = 32000;
    private static readonly ConcurrentDictionary<int, bool> HandedOut = new();

    /// <summary>A TCP port nobody listens on right now and that no earlier call of this run returned.</summary>
    public static int Next()
    {
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            var port = Random.Shared.Next(First, Last);
            if (IsBindable(port) && HandedOut.TryAdd(port, true))
            {
                return port;
            }
        }

        throw new InvalidOperationException($"No free TCP port between {First} and {Last}.");
    }

    /// <summary>Waits until something accepts connections on loopback <paramref name="port"/>; false on timeout or once <paramref name="stillRunning"/> turns false.</summary>
    public static async Task<bool> WaitUntilListeningAsync(int port, TimeSpan timeout, Func<bool> stillRunning)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && stillRunning())
        {
            if (await IsListeningAsync(port))
            {
                return true;
            }

            await Task.Delay(100);
        }

        return false;
    }

    /// <summary>Whether a connection to loopback <paramref name="port"/> succeeds.</summary>
    public static async Task<bool> IsListeningAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            return true;
        }
        catch (Exception exception) when (exception is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    private static bool IsBindable(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Any, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
