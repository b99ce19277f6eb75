using GitLabBus.GitLab;
using GitLabBus.GitLab.Models;
using GitLabBus.Simulator;
using GitLabBus.Tests.TestSupport;

namespace GitLabBus.Tests.GitLab;

public sealed class When_interactions_are_recorded_and_replayed : IAsyncLifetime
{
    private const string SecretToken = "glpat-recording-secret-7f3e";

    private readonly SimulatorFixture _gitlab = new();
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"gitlab-{Guid.NewGuid():N}.jsonl");

    public Task InitializeAsync() => _gitlab.InitializeAsync();

    public async Task DisposeAsync()
    {
        File.Delete(_file);
        await _gitlab.DisposeAsync();
    }

    [Fact]
    public async Task Should_give_identical_results_with_the_simulator_stopped_and_keep_tokens_out_of_the_file()
    {
        var recording = _gitlab.Client(options => options with { RecordFile = _file });
        var recorded = await ScenarioAsync(recording);
        await _gitlab.StopAsync();

        // Any token replays: the recording holds none to compare with.
        var replaying = _gitlab.Client(options => options with { ReplayFile = _file, ServiceToken = new GitLabToken(SecretToken) });
        var replayed = await ScenarioAsync(replaying);
        var unrecorded = await Assert.ThrowsAsync<GitLabException>(() => replaying.GetIssueAsync(1, 424242, CancellationToken.None));

        Assert.Equal(recorded, replayed);
        Assert.Equal(GitLabErrorKind.Configuration, unrecorded.Kind);
        Assert.Contains("GET projects/1/issues/424242", unrecorded.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(SimulatorOptions.DefaultToken, await File.ReadAllTextAsync(_file), StringComparison.Ordinal);
    }

    [Fact]
    public void Should_never_show_a_token_in_its_text_form()
    {
        var token = new GitLabToken(SecretToken);

        Assert.DoesNotContain(SecretToken, token.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(
            SecretToken,
            new NewGitLabHook("http://example.com/hook") { Token = SecretToken }.ToString(),
            StringComparison.Ordinal
        );
    }

    [Fact]
    public async Task Should_keep_the_token_out_of_a_failure()
    {
        var client = _gitlab.Client(token: SecretToken);

        var failure = await Assert.ThrowsAsync<GitLabException>(() => client.GetProjectAsync(1, CancellationToken.None));

        Assert.Equal(GitLabErrorKind.Authentication, failure.Kind);
        Assert.DoesNotContain(SecretToken, failure.ToString(), StringComparison.Ordinal);
    }

    private static async Task<string> ScenarioAsync(GitLabClient client)
    {
        var project = await client.GetProjectAsync("demo/shop", CancellationToken.None);
        var issues = new List<GitLabIssue>();
        await foreach (var issue in client.ListIssuesAsync(project.Id, new WorkItemFilter { State = "opened" }, CancellationToken.None))
        {
            issues.Add(issue);
        }

        var mr = await client.GetMergeRequestAsync(project.Id, 1, includeRebaseInProgress: true, CancellationToken.None);
        return System.Text.Json.JsonSerializer.Serialize(
            new
            {
                project,
                issues,
                mr,
            }
        );
    }
}
