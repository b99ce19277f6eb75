using GitLabBus.Gateway.Auth;
using GitLabBus.Runtime.Settings;
using GitLabBus.Runtime.State;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StackExchange.Redis;

namespace GitLabBus.Gateway.Identity;

public static class IdentityRegistration
{
    /// <summary>Users, refresh tokens and login counters (Redis, or memory in embedded mode), the first admin, and GitLab OAuth's
    /// flow.</summary>
    public static IServiceCollection AddGatewayIdentity(this IServiceCollection services, IdentitySettings settings, RedisSettings redis)
    {
        services.AddSingleton(settings);
        services.AddStore<IUserStore, InMemoryUserStore, RedisUserStore>(redis);
        services.AddStore<IRefreshTokenStore, InMemoryRefreshTokenStore, RedisRefreshTokenStore>(redis);
        services.AddStore<ILoginThrottle, InMemoryLoginThrottle, RedisLoginThrottle>(redis);
        services.TryAddSingleton<IPasswordHasher<UserAccount>, PasswordHasher<UserAccount>>();
        services.AddSingleton<Logins>();
        services.AddSingleton<GitLabOAuthState>();
        services.AddSingleton<GitLabOAuthCallback>();
        services.AddStore<IOrgAuditLog, InMemoryOrgAuditLog, RedisOrgAuditLog>(redis);
        services.AddHostedService<FirstAdmin>();
        return services;
    }
}

/// <summary>
/// At start, the user <c>admin</c> with <c>GITLABBUS_ADMIN_PASSWORD</c> when there is no such user yet. Once it exists the
/// variable changes nothing: its password is changed through <c>PUT /auth/users/admin</c>, and a restart does not undo that.
/// The gateway does not wait for it: with the state store down it starts (and says so on <c>/health</c>), and the admin is
/// made once the store answers.
/// </summary>
public sealed class FirstAdmin(IUserStore users, Logins logins, IdentitySettings settings, TimeProvider time, ILogger<FirstAdmin> logger)
    : BackgroundService
{
    private static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (settings.AdminPassword is not { } password)
        {
            return;
        }

        var warned = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var now = time.GetUtcNow();
                var admin = new UserAccount(IdentitySettings.AdminUsername, "", [Roles.Admin], [], now, now);
                if (await users.AddAsync(admin with { PasswordHash = logins.Hash(admin, password) }, stoppingToken))
                {
                    logger.LogInformation("First admin {Username} created", admin.Username);
                }

                return;
            }
            catch (RedisException unreachable)
            {
                if (!warned)
                {
                    logger.LogWarning("The first admin waits for the state store: {Reason}", unreachable.Message);
                    warned = true;
                }

                await Task.Delay(RetryEvery, time, stoppingToken);
            }
        }
    }
}
