using System.Net;

namespace GitLabBus.Tests.TestSupport.Gateway;

/// <summary>
/// A browser going through GitLab OAuth against the gateway: <c>/auth/gitlab/authorize</c>, GitLab's approval (the simulator
/// approves at once), and the callback, each redirect followed by hand so that a test can stop at any step. The gateway's
/// client must keep cookies and not follow redirects, as <see cref="Browser"/> makes one.
/// </summary>
public sealed class OAuthDance(HttpClient gateway) : IDisposable
{
    private readonly HttpClient _gitlab = new(new HttpClientHandler { AllowAutoRedirect = false });

    public static HttpClientHandler Browser() =>
        new()
        {
            AllowAutoRedirect = false,
            UseCookies = true,
            CookieContainer = new CookieContainer(),
        };

    /// <summary>Authorize and approve: the callback GitLab sends the browser to, with <c>code</c> and <c>state</c> (as a path).</summary>
    public async Task<Uri> ApproveAsync(string sessionId, string redirect = "/done")
    {
        using var authorize = await gateway.GetAsync(
            $"/auth/gitlab/authorize?session_id={Uri.EscapeDataString(sessionId)}&redirect_uri={Uri.EscapeDataString(redirect)}"
        );
        Assert.Equal(HttpStatusCode.Redirect, authorize.StatusCode);
        using var approval = await _gitlab.GetAsync(authorize.Headers.Location);
        Assert.Equal(HttpStatusCode.Redirect, approval.StatusCode);

        // The callback is the gateway's, at whatever name GitLab has for it; the browser here knows the gateway by its own.
        return new Uri(approval.Headers.Location!.PathAndQuery, UriKind.Relative);
    }

    /// <summary>The whole flow: the gateway's last answer (a redirect to <paramref name="redirect"/> when it went well).</summary>
    public async Task<HttpResponseMessage> ConnectAsync(string sessionId, string redirect = "/done") =>
        await gateway.GetAsync(await ApproveAsync(sessionId, redirect));

    public void Dispose() => _gitlab.Dispose();
}
