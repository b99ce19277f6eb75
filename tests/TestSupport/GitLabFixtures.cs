namespace GitLabBus.Tests.TestSupport;

/// <summary>GitLab's documented webhook payloads, from the shared fixture folder beside the repository.</summary>
public static class GitLabFixtures
{
    /// <summary>Every fixture with the <c>X-Gitlab-Event</c> header GitLab sends it with.</summary>
    public static readonly IReadOnlyList<(string File, string EventName)> All =
    [
        ("push.json", "Push Hook"),
        ("issue.json", "Issue Hook"),
        ("note_merge_request.json", "Note Hook"),
        ("merge_request.json", "Merge Request Hook"),
        ("pipeline.json", "Pipeline Hook"),
        ("job.json", "Job Hook"),
    ];

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var (file, eventName) in All)
        {
            data.Add(file, eventName);
        }

        return data;
    }

    public static string Read(string file) => File.ReadAllText(Path.Combine(Directory, file));

    public static string Directory { get; } = Locate();

    private static string Locate()
    {
        if (Environment.GetEnvironmentVariable("GITLABBUS_FIXTURES") is { Length: > 0 } configured)
        {
            return configured;
        }

        var shared = Path.GetFullPath(Path.Combine(RepositoryFiles.Root, "..", "shared", "fixtures", "gitlab-webhooks"));
        return System.IO.Directory.Exists(shared)
            ? shared
            : throw new InvalidOperationException(
                "GitLab webhook fixtures not found: expected ../shared/fixtures/gitlab-webhooks beside the repository, "
                    + "or GITLABBUS_FIXTURES"
            );
    }
}
