using System.Net;
using System.Net.Sockets;

namespace GitLabBus.Tests.TestSupport;

public static class Ports
{
    /// <summary>A loopback port nobody listens on now, for a server a test starts.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static string FreeLoopbackUrl() => $"http://127.0.0.1:{Free()}";
}
