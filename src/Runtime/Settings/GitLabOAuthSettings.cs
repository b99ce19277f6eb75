namespace GitLabBus.Runtime.Settings;

/// <summary>
/// The OAuth application sessions connect to GitLab with (CONTRACT 9): <c>GITLAB_OAUTH_CLIENT_ID</c>,
/// <c>GITLAB_OAUTH_CLIENT_SECRET</c>, <c>GITLAB_OAUTH_REDIRECT_URI</c> (this gateway's <c>/auth/gitlab/callback</c> as GitLab's
/// application has it), <c>GITLAB_OAUTH_SCOPES</c> (<c>api</c>) and <c>GITLAB_OAUTH_ALLOWED_ORIGINS</c> (where the flow may
/// send the browser back to, beside this gateway's own paths). With the built-in simulator and none of them set, the
/// simulator's own application is used, as its tokens are.
/// </summary>
public sealed record GitLabOAuthSettings
{
    public const string EmbeddedClientId = "gitlabbus-embedded";

    /// <summary>Known to anyone, as the simulator's tokens are: it opens only the built-in simulator on this machine.</summary>
    public const string EmbeddedClientSecret = "gloas-gitlabbus-embedded-simulator";

    public string? ClientId { get; init; }
    public string? ClientSecret { get; init; }

    /// <summary>Null with the built-in simulator's application: the gateway's own address then.</summary>
    public Uri? RedirectUri { get; init; }

    public string Scopes { get; init; } = "api";

    /// <summary>Origins (<c>https://app.example.com</c>) a flow may end at; relative paths always may.</summary>
    public IReadOnlyList<string> AllowedOrigins { get; init; } = [];

    /// <summary>The built-in simulator's application, registered by the gateway when it starts the simulator.</summary>
    public bool UsesEmbeddedApplication { get; init; }

    public bool Configured => ClientId is not null && ClientSecret is not null;

    public override string ToString() => $"GitLabOAuthSettings({ClientId ?? "not configured"})";

    public static GitLabOAuthSettings Read(SettingsReader reader, bool usesSimulator)
    {
        var clientId = reader.Optional("GITLAB_OAUTH_CLIENT_ID");
        var secret = reader.Optional("GITLAB_OAUTH_CLIENT_SECRET");
        var redirect = reader.AbsoluteUri("GITLAB_OAUTH_REDIRECT_URI", "http", "https");
        var common = new GitLabOAuthSettings { Scopes = reader.Optional("GITLAB_OAUTH_SCOPES") ?? "api", AllowedOrigins = Origins(reader) };
        if (clientId is null && secret is null && redirect is null)
        {
            return usesSimulator
                ? common with
                {
                    ClientId = EmbeddedClientId,
                    ClientSecret = EmbeddedClientSecret,
                    UsesEmbeddedApplication = true,
                }
                : common;
        }

        return common with
        {
            ClientId =
                clientId
                ?? throw new InvalidSettingException("GITLAB_OAUTH_CLIENT_ID", "is required with the other GITLAB_OAUTH_ settings"),
            ClientSecret =
                secret ?? throw new InvalidSettingException("GITLAB_OAUTH_CLIENT_SECRET", "is required with GITLAB_OAUTH_CLIENT_ID"),
            RedirectUri =
                redirect
                ?? throw new InvalidSettingException(
                    "GITLAB_OAUTH_REDIRECT_URI",
                    "is required with GITLAB_OAUTH_CLIENT_ID (this gateway's /auth/gitlab/callback, as registered in GitLab)"
                ),
        };
    }

    private static IReadOnlyList<string> Origins(SettingsReader reader)
    {
        var origins = new List<string>();
        foreach (
            var origin in (reader.Optional("GITLAB_OAUTH_ALLOWED_ORIGINS") ?? "").Split(
                ',',
                StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries
            )
        )
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.PathAndQuery != "/")
            {
                throw new InvalidSettingException(
                    "GITLAB_OAUTH_ALLOWED_ORIGINS",
                    "must be origins such as https://app.example.com, comma-separated"
                );
            }

            origins.Add(uri.GetLeftPart(UriPartial.Authority));
        }

        return origins;
    }
}
