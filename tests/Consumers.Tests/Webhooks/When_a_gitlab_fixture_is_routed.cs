using System.Text.Json;
using GitLabBus.Consumers.Webhooks;
using GitLabBus.Contracts;
using GitLabBus.Tests.TestSupport;

namespace GitLabBus.Tests.Consumers.Webhooks;

/// <summary>Every payload from GitLab's documentation becomes its typed event, quirks included.</summary>
public sealed class When_a_gitlab_fixture_is_routed
{
    private static readonly Guid DeliveryId = Guid.Parse("5f0c2a4e-0000-4000-8000-000000000001");

    private static object? Route(string file, string eventName) =>
        WebhookRouter.Route(
            new WebhookReceived
            {
                DeliveryId = DeliveryId,
                EventName = eventName,
                Payload = JsonSerializer.Deserialize<JsonElement>(GitLabFixtures.Read(file)),
            }
        );

    [Theory]
    [MemberData(nameof(GitLabFixtures.Cases), MemberType = typeof(GitLabFixtures))]
    public void Should_produce_a_typed_event_for_the_same_delivery(string file, string eventName)
    {
        var routed = Route(file, eventName);

        Assert.NotNull(routed);
        Assert.Equal(DeliveryId, ((dynamic)routed).DeliveryId);
    }

    [Theory]
    [MemberData(nameof(GitLabFixtures.Cases), MemberType = typeof(GitLabFixtures))]
    public void Should_route_by_object_kind_when_the_event_header_is_missing(string file, string eventName)
    {
        Assert.Equal(Route(file, eventName)!.GetType(), Route(file, "")!.GetType());
    }

    [Fact]
    public void Should_read_a_merge_request_event()
    {
        var mr = Assert.IsType<MergeRequestChanged>(Route("merge_request.json", "Merge Request Hook"));

        Assert.Equal(1, mr.ProjectId);
        Assert.Equal(99, mr.MergeRequestId);
        Assert.Equal(1, mr.MergeRequestIid);
        Assert.Equal("open", mr.Action);
        Assert.Equal("opened", mr.State);
        Assert.Equal("ms-viewport", mr.SourceBranch);
        Assert.Equal("master", mr.TargetBranch);
        Assert.Equal("da1560886d4f094c3e6c9ef40349f7d38b5d27d7", mr.LastCommitSha);
        Assert.Equal("mergeable", mr.DetailedMergeStatus);
        Assert.Equal(["API"], mr.Labels);
        Assert.Equal("root", mr.AuthorUsername);
        Assert.Equal(1, mr.ActorId);
        Assert.Equal(["Platform"], mr.AddedLabels);
        Assert.Equal(new DateTimeOffset(2013, 12, 3, 17, 23, 34, TimeSpan.Zero), mr.UpdatedAt);
    }

    [Fact]
    public void Should_read_a_merge_request_note_despite_its_malformed_timestamp()
    {
        var note = Assert.IsType<NoteAdded>(Route("note_merge_request.json", "Note Hook"));

        Assert.Equal(5, note.ProjectId);
        Assert.Equal(1244, note.NoteId);
        Assert.Equal("MergeRequest", note.NoteableType);
        Assert.Equal("This MR needs work.", note.Note);
        Assert.Equal(1, note.MergeRequestIid);
        Assert.Null(note.IssueIid);
        Assert.Null(note.CommitSha);
        Assert.Null(note.Command);
        Assert.Equal(1, note.AuthorId);
        Assert.Equal(new DateTimeOffset(2015, 5, 17, 18, 21, 36, TimeSpan.Zero), note.CreatedAt);
    }

    [Fact]
    public void Should_read_a_pipeline_event_with_its_jobs_and_upstream()
    {
        var pipeline = Assert.IsType<PipelineStatusChanged>(Route("pipeline.json", "Pipeline Hook"));

        Assert.Equal(1, pipeline.ProjectId);
        Assert.Equal(31, pipeline.PipelineId);
        Assert.Equal(3, pipeline.PipelineIid);
        Assert.Equal("success", pipeline.Status);
        Assert.Equal("master", pipeline.Ref);
        Assert.Equal(["build", "test", "deploy"], pipeline.Stages);
        Assert.Equal(1, pipeline.MergeRequestIid);
        Assert.Equal((41L, 30L), (pipeline.UpstreamProjectId!.Value, pipeline.UpstreamPipelineId!.Value));
        Assert.Equal(63, pipeline.DurationSeconds);
        Assert.Equal(new DateTimeOffset(2016, 8, 12, 15, 26, 29, TimeSpan.Zero), pipeline.FinishedAt);
        Assert.Contains(pipeline.Jobs, job => job is { Id: 380, Name: "production", Stage: "deploy", Status: "skipped" });
    }

    [Fact]
    public void Should_read_a_job_event()
    {
        var job = Assert.IsType<JobStatusChanged>(Route("job.json", "Job Hook"));

        Assert.Equal(380, job.ProjectId);
        Assert.Equal(1977, job.JobId);
        Assert.Equal(2366, job.PipelineId);
        Assert.Equal("test", job.Name);
        Assert.Equal("created", job.Status);
        Assert.Equal("script_failure", job.FailureReason);
        Assert.Equal(2, job.RetriesCount);
        Assert.Null(job.StartedAt);
    }

    [Fact]
    public void Should_read_an_issue_event()
    {
        var issue = Assert.IsType<IssueChanged>(Route("issue.json", "Issue Hook"));

        Assert.Equal(1, issue.ProjectId);
        Assert.Equal(301, issue.IssueId);
        Assert.Equal(23, issue.IssueIid);
        Assert.Equal("issue", issue.Kind);
        Assert.Equal("open", issue.Action);
        Assert.Equal(["API"], issue.Labels);
    }

    [Fact]
    public void Should_read_a_push_event()
    {
        var push = Assert.IsType<PushReceived>(Route("push.json", "Push Hook"));

        Assert.Equal(15, push.ProjectId);
        Assert.Equal("refs/heads/master", push.Ref);
        Assert.Equal("da1560886d4f094c3e6c9ef40349f7d38b5d27d7", push.After);
        Assert.Equal("jsmith", push.UserUsername);
        Assert.Equal(4, push.TotalCommitsCount);
        Assert.Equal(2, push.CommitShas.Count);
    }
}
