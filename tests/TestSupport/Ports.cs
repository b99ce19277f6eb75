using System.Net;
using System.Net.Sockets;

namespace GitLabBus.Tests.TestSupport;

public static class Ports
{
    // Below Linux's ephemeral range (32768-60999): a port the OS hands out for outgoing connections (to RabbitMQ, Redis,
    // HTTP) could be taken between this check and the server's bind, which made "address already in use" flakes.
    private const int First = 20_000;
    private const int Last = 32_000;

    // A port handed out is not bound until its server starts, seconds later for a role process: handed out once per test
    // process, so two servers of this process never get the same one.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, bool> HandedOut = new();

    /// <summary>A loopback port nobody listens on now and no other caller of this process was given, for a server a test
    /// starts.</summary>
    public static int Free()
    {
        while (true)
        {
            var port = Random.Shared.Next(First, Last);
            if (!HandedOut.TryAdd(port, true))
            {
                continue;
            }

            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // Taken: another one.
            }
        }
    }

    public static string FreeLoopbackUrl() => $"http://127.0.0.1:{Free()}";
}
