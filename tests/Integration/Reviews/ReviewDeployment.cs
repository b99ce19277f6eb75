namespace GitLabBus.Tests.Integration.Reviews;

/// <summary>The deployment with two consumers replicas (any of them may take any review) and a short review lease.</summary>
public sealed class ReviewDeployment : RoleDeployment
{
    protected override int Replicas => 2;

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string> { ["REVIEW_LEASE_SECONDS"] = "5" };
}
