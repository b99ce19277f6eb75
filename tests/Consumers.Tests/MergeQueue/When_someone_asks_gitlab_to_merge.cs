using System.Net.Http.Json;
using System.Text.Json;
using GitLabBus.Contracts;
using GitLabBus.Simulator;
using GitLabBus.Tests.TestSupport;
using GitLabBus.Tests.TestSupport.Gateway;
using MassTransit.Testing;

namespace GitLabBus.Tests.Consumers.MergeQueue;

/// <summary>
/// The label and the <c>/merge</c> note, on the embedded bus against the simulator (whose demo has alice, a Developer, and
/// gitlabbus-bot, a Maintainer; the consumers act as root here, so root's own notes are the service's).
/// </summary>
public sealed class When_someone_asks_gitlab_to_merge : IAsyncLifetime
{
    private ConsumersAgainstSimulator _consumers = null!;

    private ITestHarness Harness => _consumers.Harness;

    private HttpClient GitLab => _consumers.GitLab;

    public async Task InitializeAsync() => _consumers = await ConsumersAgainstSimulator.StartAsync(_ => { });

    public async Task DisposeAsync() => await _consumers.DisposeAsync();

    [Fact]
    public async Task Should_queue_a_merge_request_whose_ready_label_was_just_added()
    {
        await Harness.Bus.Publish(Changed(1, added: ["Merge Assist: Ready to Merge"]));
        await Harness.Bus.Publish(Changed(2, added: ["bug"]));

        var ready = await ReadyAsync(1);
        Assert.Equal(MergeQueueSources.Label, ready.Source);
        Assert.False(await Harness.Published.Any<MrReadyForBatch>(x => x.Context.Message.MergeRequestIid == 2));
    }

    [Fact]
    public async Task Should_take_a_merge_command_from_a_developer_and_mark_it_seen()
    {
        var alice = await UserAsync(SimulatorOptions.DeveloperUsername);
        var note = await NoteAsync(1, "/merge", SimulatorOptions.DeveloperToken);

        await Harness.Bus.Publish(Noted(note, alice, "/merge"));

        var ready = await ReadyAsync(1);
        Assert.Equal((MergeQueueSources.Note, 0, SimulatorOptions.DeveloperUsername), (ready.Source, ready.Priority, ready.RequestedBy));
        Assert.True(
            await GitLabDelivery.EventuallyAsync(async () =>
                (await GitLab.GetFromJsonAsync<JsonElement[]>($"/api/v4/projects/1/merge_requests/1/notes/{note.Id}/award_emoji"))!.Any(
                    award => award.GetProperty("name").GetString() == "eyes"
                )
            )
        );
    }

    [Fact]
    public async Task Should_take_a_priority_only_from_a_maintainer_and_tell_a_developer_why_once()
    {
        var alice = await UserAsync(SimulatorOptions.DeveloperUsername);
        var bot = await UserAsync(SimulatorOptions.BotUsername);
        var refused = await NoteAsync(2, "/merge priority=5", SimulatorOptions.DeveloperToken);
        var raised = await NoteAsync(3, "/merge priority=5", SimulatorOptions.BotToken);

        await Harness.Bus.Publish(Noted(refused, alice, "/merge priority=5"));
        await Harness.Bus.Publish(Noted(refused, alice, "/merge priority=5"));
        await Harness.Bus.Publish(Noted(raised, bot, "/merge priority=5"));

        Assert.Equal(5, (await ReadyAsync(3)).Priority);
        Assert.True(await GitLabDelivery.EventuallyAsync(async () => (await AnswersAsync(2, refused.Id)).Count == 1));
        Assert.Contains("needs Maintainer access", (await AnswersAsync(2, refused.Id))[0], StringComparison.Ordinal);
        Assert.False(await Harness.Published.Any<MrReadyForBatch>(x => x.Context.Message.MergeRequestIid == 2));
    }

    [Fact]
    public async Task Should_never_take_the_services_own_note_as_a_command()
    {
        var root = await UserAsync("root");
        var note = await NoteAsync(1, "/merge", SimulatorOptions.DefaultToken);

        await Harness.Bus.Publish(Noted(note, root, "/merge"));
        await Harness.Bus.Publish(Changed(2, added: ["Merge Assist: Ready to Merge"]));

        await ReadyAsync(2);
        Assert.False(await Harness.Published.Any<MrReadyForBatch>(x => x.Context.Message.MergeRequestIid == 1));
    }

    [Fact]
    public async Task Should_ask_again_for_a_not_ready_one_when_someone_else_changes_it_not_when_the_queue_did()
    {
        var root = await UserAsync("root");
        var alice = await UserAsync(SimulatorOptions.DeveloperUsername);
        string[] notReady = ["Merge Assist: Not Ready"];

        // The queue labels a merge request Not Ready after a conflict and takes Recognised off: its own edits.
        await Harness.Bus.Publish(Changed(1, added: []) with { Labels = notReady, ActorId = root.Id });
        await Harness.Bus.Publish(Changed(2, added: []) with { Labels = notReady, ActorId = alice.Id });

        await ReadyAsync(2);
        Assert.False(await Harness.Published.Any<MrReadyForBatch>(x => x.Context.Message.MergeRequestIid == 1));
    }

    private static MergeRequestChanged Changed(long iid, IReadOnlyList<string> added) =>
        new()
        {
            ProjectId = 1,
            MergeRequestIid = iid,
            State = "opened",
            Action = "update",
            AddedLabels = added,
        };

    private static NoteAdded Noted((long Id, long Iid) note, (long Id, string Username) author, string text) =>
        new()
        {
            ProjectId = 1,
            NoteId = note.Id,
            NoteableType = "MergeRequest",
            Note = text,
            AuthorId = author.Id,
            AuthorUsername = author.Username,
            MergeRequestIid = note.Iid,
            Command = GitLabBus.Consumers.Webhooks.SlashCommandParser.Parse(text),
        };

    private Task<MrReadyForBatch> ReadyAsync(long iid) => Harness.PublishedAsync<MrReadyForBatch>(m => m.MergeRequestIid == iid);

    private async Task<(long Id, string Username)> UserAsync(string username)
    {
        var users = await GitLab.GetFromJsonAsync<JsonElement[]>($"/api/v4/users?username={username}");
        return (users![0].GetProperty("id").GetInt64(), username);
    }

    /// <summary>A note written on the merge request as the token's user.</summary>
    private async Task<(long Id, long Iid)> NoteAsync(long iid, string text, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v4/projects/1/merge_requests/{iid}/notes")
        {
            Content = JsonContent.Create(new { body = text }),
        };
        request.Headers.Add("PRIVATE-TOKEN", token);
        using var http = new HttpClient { BaseAddress = GitLab.BaseAddress };
        var answer = await (await http.SendAsync(request)).Content.ReadFromJsonAsync<JsonElement>();
        return (answer.GetProperty("id").GetInt64(), iid);
    }

    private async Task<List<string>> AnswersAsync(long iid, long noteId) =>
        [
            .. (await GitLab.GetFromJsonAsync<JsonElement[]>($"/api/v4/projects/1/merge_requests/{iid}/notes"))!
                .Select(note => note.GetProperty("body").GetString()!)
                .Where(body => body.Contains($"merge-assist:command-refused:{noteId}", StringComparison.Ordinal)),
        ];
}
