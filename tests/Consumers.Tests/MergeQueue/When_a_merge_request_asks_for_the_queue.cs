using System.Net.Http.Json;
using System.Text.Json;
using GitLabBus.Contracts;
using GitLabBus.Runtime.Bus;
using GitLabBus.Tests.TestSupport;
using GitLabBus.Tests.TestSupport.Gateway;
using MassTransit.Testing;

namespace GitLabBus.Tests.Consumers.MergeQueue;

/// <summary>Admission on the embedded bus against the simulator: labels, one comment per head with every reason, raw input.</summary>
public sealed class When_a_merge_request_asks_for_the_queue : IAsyncLifetime
{
    private ConsumersAgainstSimulator _consumers = null!;

    private ITestHarness Harness => _consumers.Harness;

    private HttpClient GitLab => _consumers.GitLab;

    public async Task InitializeAsync()
    {
        _consumers = await ConsumersAgainstSimulator.StartAsync(_ => { });
        await GitLab.PostAsJsonAsync("/_sim/clock", new { speed = 1000 });
    }

    public async Task DisposeAsync() => await _consumers.DisposeAsync();

    [Fact]
    public async Task Should_admit_a_ready_merge_request_with_its_head_and_the_recognised_label()
    {
        await PipelinePassedAsync(1);

        await Harness.Bus.Publish(Ready(1));

        var admitted = await Harness.PublishedAsync<MrAdmitted>(m => m.MergeRequestIid == 1);
        var mr = await MergeRequestAsync(1);
        Assert.Equal(mr.GetProperty("sha").GetString(), admitted.HeadSha);
        Assert.Equal(("main", 5), (admitted.TargetBranch, admitted.Config.BatchSize));
        Assert.Contains("Merge Assist: Recognised for Merge", Labels(mr));
    }

    [Fact]
    public async Task Should_list_every_reason_in_one_comment_per_head_and_label_it_not_ready()
    {
        await PipelinePassedAsync(2);
        await GitLab.PutAsJsonAsync("/api/v4/projects/1/merge_requests/2/merge", new { });

        await Harness.Bus.Publish(Ready(3));
        await Harness.PublishedAsync<MrNotAdmitted>(m => m.MergeRequestIid == 3);
        await Harness.Bus.Publish(Ready(3));
        Assert.True(
            await GitLabDelivery.EventuallyAsync(() =>
                Task.FromResult(Harness.Published.Select<MrNotAdmitted>(x => x.Context.Message.MergeRequestIid == 3).Count() == 2)
            )
        );

        var reasons = Harness.Published.Select<MrNotAdmitted>().First().Context.Message.Reasons;
        var notes = await GitLab.GetFromJsonAsync<JsonElement[]>("/api/v4/projects/1/merge_requests/3/notes");
        var comments = notes!.Where(note => note.GetProperty("body").GetString()!.Contains("merge-assist:not-ready")).ToList();
        Assert.Contains(reasons, reason => reason.StartsWith("it is a draft", StringComparison.Ordinal));
        Assert.Contains(reasons, reason => reason.StartsWith("it conflicts with `main`", StringComparison.Ordinal));
        Assert.Single(comments);
        Assert.Contains("Merge Assist: Not Ready", Labels(await MergeRequestAsync(3)));
    }

    [Fact]
    public async Task Should_send_a_raw_message_breaking_the_contract_to_the_error_queue_with_the_reason()
    {
        await Harness.Bus.Publish(new MrReadyForBatch { ProjectId = 1, MergeRequestIid = 0 });

        var consumed = await Harness.ConsumedAsync<MrReadyForBatch>(m => m.MergeRequestIid == 0);
        var refused = Assert.IsType<InvalidMessageException>(consumed.Exception);
        Assert.Contains("merge_request_iid must be a positive", refused.Message, StringComparison.Ordinal);
        Assert.False(await Harness.Published.Any<MrNotAdmitted>(x => x.Context.Message.MergeRequestIid == 0));
    }

    [Fact]
    public async Task Should_not_admit_a_merge_request_gitlab_does_not_know()
    {
        await Harness.Bus.Publish(Ready(404));

        var refused = await Harness.PublishedAsync<MrNotAdmitted>(m => m.MergeRequestIid == 404);
        Assert.Contains("no such merge request", refused.Reasons[0], StringComparison.Ordinal);
    }

    private static MrReadyForBatch Ready(long iid) =>
        new()
        {
            ProjectId = 1,
            MergeRequestIid = iid,
            Source = MergeQueueSources.Rest,
        };

    private async Task<JsonElement> MergeRequestAsync(long iid) =>
        await GitLab.GetFromJsonAsync<JsonElement>($"/api/v4/projects/1/merge_requests/{iid}");

    private static IEnumerable<string?> Labels(JsonElement mr) =>
        mr.GetProperty("labels").EnumerateArray().Select(label => label.GetString());

    private async Task PipelinePassedAsync(long iid) =>
        Assert.True(
            await GitLabDelivery.EventuallyAsync(
                async () =>
                    (await MergeRequestAsync(iid)).GetProperty("head_pipeline") is { ValueKind: JsonValueKind.Object } pipeline
                    && pipeline.GetProperty("status").GetString() == "success",
                TimeSpan.FromSeconds(30)
            )
        );
}
