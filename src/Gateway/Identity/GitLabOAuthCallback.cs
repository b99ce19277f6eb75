using GitLabBus.Runtime.Settings;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace GitLabBus.Gateway.Identity;

/// <summary>
/// Where GitLab sends the browser back to: <c>GITLAB_OAUTH_REDIRECT_URI</c>, or, with the built-in simulator's application,
/// this gateway's own <c>/auth/gitlab/callback</c> at the address it listens on.
/// </summary>
public sealed class GitLabOAuthCallback(GitLabSettings gitlab, IServer server)
{
    public const string Path = "/auth/gitlab/callback";

    public Uri Address => gitlab.OAuth.RedirectUri ?? new Uri(GatewayAddress.Of(server) + Path);
}

/// <summary>The address this gateway listens on, as a loopback client reaches it; <c>http://localhost</c> under a test
/// server, which listens nowhere.</summary>
public static class GatewayAddress
{
    public static string Of(IServer server) =>
        (server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://localhost")
            .Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://+", "://127.0.0.1", StringComparison.Ordinal)
            .TrimEnd('/');
}
