using System.Net;
using GitLabBus.Simulator;
using GitLabBus.Tests.TestSupport;

namespace GitLabBus.Tests.Simulator;

/// <summary>GitLab answers <c>Content-Type: application/json</c> to the byte on every endpoint; some clients compare it whole.</summary>
public sealed class When_a_client_reads_the_content_type : IAsyncLifetime
{
    private readonly SimulatorFixture _gitlab = new();

    public Task InitializeAsync() => _gitlab.InitializeAsync();

    public Task DisposeAsync() => _gitlab.DisposeAsync();

    [Theory]
    [InlineData("/api/v4/version")]
    [InlineData("/api/v4/user")]
    [InlineData("/api/v4/users")]
    [InlineData("/api/v4/projects")]
    [InlineData("/api/v4/projects/1")]
    [InlineData("/api/v4/projects/1/labels")]
    [InlineData("/api/v4/projects/1/hooks")]
    [InlineData("/api/v4/projects/1/members/all")]
    [InlineData("/api/v4/projects/1/repository/branches")]
    [InlineData("/api/v4/projects/1/repository/tree")]
    [InlineData("/api/v4/projects/1/repository/files/src%2Fcheckout.py?ref=main")]
    [InlineData("/api/v4/projects/1/repository/commits")]
    [InlineData("/api/v4/projects/1/repository/commits/main")]
    [InlineData("/api/v4/projects/1/repository/compare?from=main&to=express-checkout")]
    [InlineData("/api/v4/projects/1/issues")]
    [InlineData("/api/v4/groups/1")]
    [InlineData("/api/v4/groups/1/epics")]
    [InlineData("/api/v4/projects/1/merge_requests")]
    [InlineData("/api/v4/projects/1/merge_requests/1/changes")]
    [InlineData("/api/v4/projects/1/merge_requests/1/versions")]
    [InlineData("/api/v4/projects/1/merge_requests/1/commits")]
    [InlineData("/api/v4/projects/1/merge_requests/1/merge_ref")]
    [InlineData("/api/v4/projects/1/merge_requests/1/discussions")]
    [InlineData("/api/v4/projects/1/merge_requests/1/award_emoji")]
    [InlineData("/api/v4/projects/1/pipelines")]
    [InlineData("/api/v4/projects/1/environments")]
    public async Task Should_answer_exactly_application_json(string path)
    {
        using var http = new HttpClient { BaseAddress = new Uri(_gitlab.Url) };
        http.DefaultRequestHeaders.Add("PRIVATE-TOKEN", SimulatorOptions.DefaultToken);

        using var answer = await http.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("application/json", answer.Content.Headers.GetValues("Content-Type").Single());
    }

    [Fact]
    public async Task Should_answer_a_raw_file_as_text_with_its_bytes_unchanged()
    {
        using var http = new HttpClient { BaseAddress = new Uri(_gitlab.Url) };
        http.DefaultRequestHeaders.Add("PRIVATE-TOKEN", SimulatorOptions.DefaultToken);

        using var answer = await http.GetAsync("/api/v4/projects/1/repository/files/src%2Fcheckout.py/raw?ref=main");
        var bytes = await answer.Content.ReadAsByteArrayAsync();

        Assert.Equal("text/plain; charset=utf-8", answer.Content.Headers.GetValues("Content-Type").Single());
        Assert.Equal((byte)'"', bytes[0]);
    }
}
