namespace GitLabBus.Runtime.Settings;

/// <summary>One server of a <see cref="ServerUrl"/>; <paramref name="Port"/> is null when the URL leaves it to the scheme.</summary>
public sealed record ServerEndpoint(string Host, int? Port)
{
    public override string ToString() => Port is null ? Host : $"{(Host.Contains(':') ? $"[{Host}]" : Host)}:{Port}";
}

/// <summary>
/// A URL naming one server or a cluster's several, <c>scheme://[user[:password]@]host[:port][,host[:port]…][/path]</c>, as
/// <c>RABBITMQ_URL</c> and <c>REDIS_URL</c> take them. <see cref="Uri"/> reads one authority only, so the host list is split
/// here and each host is still checked by <see cref="Uri"/>.
/// </summary>
/// <param name="UserInfo">Still percent-encoded; null when the URL has none.</param>
/// <param name="Path">Still percent-encoded, without its leading slash; empty when the URL has none.</param>
public sealed record ServerUrl(string Scheme, string? UserInfo, IReadOnlyList<ServerEndpoint> Servers, string Path)
{
    private const int MaxServers = 64;

    public static ServerUrl? Read(SettingsReader reader, string name, params string[] schemes)
    {
        var raw = reader.Optional(name);
        if (raw is null)
        {
            return null;
        }

        return TryParse(raw.Trim(), schemes, out var url)
            ? url
            : throw new InvalidSettingException(
                name,
                $"must be an absolute {string.Join(" or ", schemes.Select(s => s + "://"))} URL (a cluster: its hosts separated by commas)"
            );
    }

    private static bool TryParse(string raw, string[] schemes, out ServerUrl url)
    {
        url = null!;
        var schemeEnd = raw.IndexOf("://", StringComparison.Ordinal);
        var scheme = schemeEnd > 0 ? raw[..schemeEnd].ToLowerInvariant() : "";
        if (!schemes.Contains(scheme, StringComparer.OrdinalIgnoreCase))
        {
            return false;
        }

        var rest = raw[(schemeEnd + 3)..];
        var authorityEnd = rest.IndexOfAny(['/', '?', '#']);
        var authority = authorityEnd < 0 ? rest : rest[..authorityEnd];
        var path = authorityEnd < 0 || rest[authorityEnd] != '/' ? "" : rest[(authorityEnd + 1)..].Split('?', '#')[0];
        var at = authority.LastIndexOf('@');
        var userInfo = at < 0 ? null : authority[..at];
        var hosts = (at < 0 ? authority : authority[(at + 1)..]).Split(',');
        var servers = new List<ServerEndpoint>(hosts.Length);
        foreach (var host in hosts)
        {
            if (host.Length == 0 || !Uri.TryCreate($"{scheme}://{host}/", UriKind.Absolute, out var single) || single.Host.Length == 0)
            {
                return false;
            }

            servers.Add(new ServerEndpoint(single.DnsSafeHost, single.Port > 0 ? single.Port : null));
        }

        if (servers.Count > MaxServers)
        {
            return false;
        }

        url = new ServerUrl(scheme, userInfo, servers, path);
        return true;
    }

    /// <summary>The user and password of the URL, decoded; (null, null) without any.</summary>
    public (string? User, string? Password) Credentials()
    {
        if (UserInfo is null)
        {
            return (null, null);
        }

        var parts = UserInfo.Split(':', 2);
        return (Uri.UnescapeDataString(parts[0]), parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : null);
    }
}
