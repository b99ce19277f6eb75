namespace GitLabBus.Contracts;

/// <summary>Asks the consumers whether GitLab answers them; answered with <see cref="GitLabHealthReport"/>.</summary>
public record GitLabHealthQuery;

/// <summary>What the consumers saw of GitLab: its version and address, or why it did not answer (never a token).</summary>
public record GitLabHealthReport(bool Healthy, string Description);
