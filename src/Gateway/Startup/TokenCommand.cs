using GitLabBus.Gateway.Auth;
using GitLabBus.Runtime.Settings;

namespace GitLabBus.Gateway.Startup;

/// <summary>
/// <c>gateway token --role admin [--role viewer] [--sub NAME] [--days N] [--gateway URL]</c>: prints a bearer token signed
/// with <c>LOCAL_JWT_SECRET</c> (and <c>JWT_ISSUER</c>/<c>JWT_AUDIENCE</c> when set), or, without it, with the secret of the
/// embedded gateway running at <c>--gateway</c> (default <c>http://127.0.0.1:8080</c>). Only the token goes to stdout, so
/// <c>export TOKEN=$(dotnet run --project src/Gateway -- token --role admin)</c> works.
/// </summary>
public static class TokenCommand
{
    public const string Name = "token";

    private const string Usage =
        "usage: token --role ROLE [--role ROLE ...] [--org ORG_ID ...] [--sub NAME] [--days 1-365] [--gateway http://127.0.0.1:8080]\n"
        + "roles: admin, project_owner, priority_manager, viewer";

    public static int Run(IReadOnlyList<string> args, SettingsReader settings, TextWriter output, TextWriter error)
    {
        var roles = new List<string>();
        var orgs = new List<string>();
        var (subject, days, gateway) = ("cli", 7, new Uri("http://127.0.0.1:8080"));
        for (var i = 0; i < args.Count; i++)
        {
            var value = i + 1 < args.Count ? args[i + 1] : null;
            var known = (args[i], value) switch
            {
                ("--role", { } role) when Roles.All.Contains(role) => Take(() => roles.Add(role)),
                ("--sub", { Length: > 0 and <= 100 } sub) => Take(() => subject = sub),
                ("--org", { Length: > 0 and <= 128 } org) => Take(() => orgs.Add(org)),
                ("--days", { } n) when int.TryParse(n, out var d) && d is >= 1 and <= 365 => Take(() => days = d),
                ("--gateway", { } url) when Uri.TryCreate(url, UriKind.Absolute, out var parsed) => Take(() => gateway = parsed),
                _ => false,
            };
            if (!known)
            {
                error.WriteLine($"token: cannot use '{args[i]}'{(value is null ? "" : $" '{value}'")}\n{Usage}");
                return 2;
            }

            i++;
        }

        if (roles.Count == 0)
        {
            error.WriteLine($"token: give at least one --role\n{Usage}");
            return 2;
        }

        var secret = settings.Optional("LOCAL_JWT_SECRET") ?? EmbeddedSecrets.Read(gateway).GetValueOrDefault(EmbeddedSecrets.JwtSecret);
        if (secret is not { Length: >= GatewaySettings.MinimumJwtSecretLength })
        {
            error.WriteLine(
                $"token: set LOCAL_JWT_SECRET (at least {GatewaySettings.MinimumJwtSecretLength} characters), "
                    + $"or start the embedded gateway at {gateway} first"
            );
            return 2;
        }

        var signing = new GatewaySettings
        {
            WebhookSecret = "",
            JwtSecret = secret,
            JwtIssuer = settings.Optional("JWT_ISSUER"),
            JwtAudience = settings.Optional("JWT_AUDIENCE"),
        };
        output.WriteLine(
            TokenIssuer.Issue(
                signing,
                subject,
                roles.Distinct().ToList(),
                TimeSpan.FromDays(days),
                DateTimeOffset.UtcNow,
                orgs: orgs.Distinct().ToList()
            )
        );
        return 0;
    }

    private static bool Take(Action take)
    {
        take();
        return true;
    }
}
