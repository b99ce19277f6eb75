namespace GitLabBus.Gateway.Identity;

/// <summary>The gateway's users, by normalized username (Redis hash <c>gitlabbus:auth:users</c>, or memory in embedded mode).</summary>
public interface IUserStore
{
    Task<UserAccount?> GetAsync(string username, CancellationToken cancellationToken);

    /// <summary>Every user, by username.</summary>
    Task<IReadOnlyList<UserAccount>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Adds a user unless one of that name exists; false then, and nothing changes.</summary>
    Task<bool> AddAsync(UserAccount user, CancellationToken cancellationToken);

    /// <summary>Replaces an existing user; false when there is none of that name (it is not created).</summary>
    Task<bool> ReplaceAsync(UserAccount user, CancellationToken cancellationToken);

    Task<bool> DeleteAsync(string username, CancellationToken cancellationToken);
}
