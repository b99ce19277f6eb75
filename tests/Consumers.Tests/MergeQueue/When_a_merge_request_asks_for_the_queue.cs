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
                Task.FromResult(Harness.PublishedSoFar<MrNotAdmitted>().Where(x => x.Context.Message.MergeRequestIid == 3).Count() == 2)
            )
        );

        var reasons = Harness.PublishedSoFar<MrNotAdmitted>().First().Context.Message.Reasons;
        var notes = await GitLab.GetFromJsonAsync<JsonElement[]>("/api/v4/projects/1/merge_requests/3/notes");
        var comments = notes!.Where(note => note.GetProperty("body").GetString()!.Contains("merge-assist:not-ready")).ToList();
        Assert.Contains(reasons, reason => reason.StartsWith("it is a draft", StringComparison.Ordinal));
        Assert.Contains(reasons, reason => reason.StartsWith("it conflicts with `main`", StringComparison.Ordinal));
        Assert.Single(comments);
        Assert.Contains("Merge Assist: Not Ready", Labels(await MergeRequestAsync(3)));
    }

    [Theory]
    [InlineData(MergeQueueSources.Queue, false)]
    [InlineData(MergeQueueSources.Watcher, false)]
    [InlineData(MergeQueueSources.Label, true)]
    public async Task Should_keep_a_merge_request_that_clashed_with_its_batch_out_until_it_moves_or_a_person_asks(
        string source,
        bool admitted
    )
    {
        await PipelinePassedAsync(1);
        var head = (await MergeRequestAsync(1)).GetProperty("sha").GetString();
        await ClashedAsync(1, head!);

        await Harness.Bus.Publish(Ready(1) with { Source = source });
        await Harness.ConsumedAsync<MrReadyForBatch>(m => m.MergeRequestIid == 1 && m.Source == source);
        // A person asking afterwards is always heard: whatever the first request did is published by then.
        await Harness.Bus.Publish(Ready(1));
        await Harness.PublishedAsync<MrAdmitted>(m => m.MergeRequestIid == 1 && m.Source == MergeQueueSources.Rest);

        Assert.Equal(
            admitted,
            await Harness.Published.Any<MrAdmitted>(x => x.Context.Message.MergeRequestIid == 1 && x.Context.Message.Source == source)
        );
    }

    [Fact]
    public async Task Should_admit_a_merge_request_that_clashed_at_an_earlier_head_when_the_queue_checks_it_again()
    {
        await PipelinePassedAsync(1);
        await ClashedAsync(1, "0000000000000000000000000000000000000000");

        await Harness.Bus.Publish(Ready(1) with { Source = MergeQueueSources.Queue });

        await Harness.PublishedAsync<MrAdmitted>(m => m.MergeRequestIid == 1);
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

    /// <summary>The comment the queue writes on a merge request it took out of a batch for a conflict at <paramref name="head"/>.</summary>
    private async Task ClashedAsync(long iid, string head) =>
        (
            await GitLab.PostAsJsonAsync(
                $"/api/v4/projects/1/merge_requests/{iid}/notes",
                new { body = $"It could not be merged into its batch.\n\n<!-- merge-assist:conflict:{head} -->" }
            )
        ).EnsureSuccessStatusCode();

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
