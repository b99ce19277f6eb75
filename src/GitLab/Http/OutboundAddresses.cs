using System.Net;
using System.Net.Sockets;

namespace GitLabBus.GitLab.Http;

/// <summary>
/// Connections to a GitLab named by someone else (an organisation's <c>base_url</c>) go only to public addresses unless
/// private networks are allowed: the check is made on the addresses the name resolves to, when connecting, so a name that
/// resolved to a public address when it was configured and to <c>127.0.0.1</c> now (DNS rebinding) is refused too.
/// GitLab itself refuses webhooks to the local network by default for the same reason.
/// </summary>
public static class OutboundAddresses
{
    public static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> Connect(bool allowPrivateNetworks) =>
        async (context, cancellationToken) =>
        {
            var host = context.DnsEndPoint.Host;
            var resolved = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
            var allowed = allowPrivateNetworks ? resolved : resolved.Where(address => !IsPrivate(address)).ToArray();
            if (allowed.Length == 0)
            {
                throw new OutboundAddressRefusedException(host);
            }

            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        };

    /// <summary>Loopback, link-local, private (RFC 1918, unique local), shared (100.64/10), unspecified or multicast.</summary>
    public static bool IsPrivate(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            return true;
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal || address.IsIPv6Multicast;
        }

        var bytes = address.GetAddressBytes();
        return bytes[0] switch
        {
            0 or 10 or 127 => true,
            100 => bytes[1] is >= 64 and <= 127,
            169 => bytes[1] == 254,
            172 => bytes[1] is >= 16 and <= 31,
            192 => bytes[1] == 168,
            >= 224 => true,
            _ => false,
        };
    }

    /// <summary>Whether <paramref name="host"/> resolves to at least one address a connection may go to.</summary>
    public static async Task<bool> IsReachableAsync(string host, bool allowPrivateNetworks, CancellationToken cancellationToken)
    {
        if (allowPrivateNetworks)
        {
            return true;
        }

        try
        {
            var resolved = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
            return resolved.Any(address => !IsPrivate(address));
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

/// <summary>Every address of a host is in a private network that outbound calls may not reach.</summary>
public sealed class OutboundAddressRefusedException(string host)
    : Exception($"{host} resolves only to loopback, link-local or private addresses, which OUTBOUND_ALLOW_PRIVATE_NETWORKS does not allow");
