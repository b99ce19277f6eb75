using GitLabBus.Consumers.Reviews;
using GitLabBus.Contracts;
using GitLabBus.Simulator;
using GitLabBus.Tests.TestSupport;
using MassTransit.Testing;

namespace GitLabBus.Tests.Consumers.Reviews;

/// <summary>Which merge request hooks and notes become <see cref="ReviewRequested"/>, and which do not.</summary>
public sealed class When_gitlab_events_ask_for_a_review : IAsyncLifetime
{
    private ConsumersAgainstSimulator _consumers = null!;

    private ITestHarness Harness => _consumers.Harness;

    public async Task InitializeAsync() => _consumers = await ConsumersAgainstSimulator.StartAsync(_ => { });

    public async Task DisposeAsync() => await _consumers.DisposeAsync();

    [Theory]
    [InlineData("open", null, false, true)]
    [InlineData("reopen", null, false, true)]
    [InlineData("update", "0123abc", false, true)]
    [InlineData("update", null, true, true)]
    [InlineData("update", null, false, false)]
    [InlineData("approved", null, false, false)]
    public async Task Should_ask_on_open_reopen_new_commits_and_ready(string action, string? oldRev, bool becameReady, bool asks)
    {
        var iid = Random.Shared.NextInt64(100, 1_000_000);

        await Harness.Bus.Publish(
            new MergeRequestChanged
            {
                ProjectId = 1,
                MergeRequestIid = iid,
                Action = action,
                State = "opened",
                OldRev = oldRev,
                BecameReady = becameReady,
                LastCommitSha = "abcdef1",
            }
        );

        await TriggerConsumedAsync<MergeRequestChanged>(m => m.MergeRequestIid == iid);
        Assert.Equal(asks, await Harness.Published.Any<ReviewRequested>(x => x.Context.Message.MergeRequestIid == iid));
    }

    [Fact]
    public async Task Should_not_review_what_the_service_opened_itself()
    {
        var iid = Random.Shared.NextInt64(100, 1_000_000);

        // root is the service here: a merge request it opens is the merge queue's batch.
        await Harness.Bus.Publish(
            new MergeRequestChanged
            {
                ProjectId = 1,
                MergeRequestIid = iid,
                Action = "open",
                State = "opened",
                AuthorUsername = "root",
                ActorId = 1,
            }
        );

        await TriggerConsumedAsync<MergeRequestChanged>(m => m.MergeRequestIid == iid);
        Assert.False(await Harness.Published.Any<ReviewRequested>(x => x.Context.Message.MergeRequestIid == iid));
    }

    [Theory]
    [InlineData("/review", ReviewCommands.Review, null)]
    [InlineData("/copilot review", ReviewCommands.Review, null)]
    [InlineData("/describe", ReviewCommands.Describe, null)]
    [InlineData("/ask what does this change?", ReviewCommands.Ask, "what does this change?")]
    [InlineData("/help", ReviewCommands.Help, null)]
    public async Task Should_take_a_command_note_from_a_person(string text, string command, string? question)
    {
        var noteId = Random.Shared.NextInt64(100, 1_000_000);

        await Harness.Bus.Publish(Note(noteId, text, SimulatorOptions.DeveloperUsername, 2));

        var asked = await Harness.PublishedAsync<ReviewRequested>(m => m.NoteId == noteId);
        Assert.Equal((command, question, true, ReviewSources.Note), (asked.Command, asked.Question, asked.Again, asked.Source));
        Assert.Equal("d-" + noteId, asked.DiscussionId);
    }

    [Theory]
    [InlineData("/ask")]
    [InlineData("/merge")]
    [InlineData("/copilot rewrite")]
    public async Task Should_leave_other_commands_alone(string text)
    {
        var noteId = Random.Shared.NextInt64(100, 1_000_000);

        await Harness.Bus.Publish(Note(noteId, text, SimulatorOptions.DeveloperUsername, 2));

        await TriggerConsumedAsync<NoteAdded>(m => m.NoteId == noteId);
        Assert.False(await Harness.Published.Any<ReviewRequested>(x => x.Context.Message.NoteId == noteId));
    }

    [Fact]
    public async Task Should_never_take_its_own_notes_as_commands()
    {
        var noteId = Random.Shared.NextInt64(100, 1_000_000);

        // The consumers here use root's token: root is the service, and quotes `/review` in its own comments.
        await Harness.Bus.Publish(Note(noteId, "/review", "root", 1));

        await TriggerConsumedAsync<NoteAdded>(m => m.NoteId == noteId);
        Assert.False(await Harness.Published.Any<ReviewRequested>(x => x.Context.Message.NoteId == noteId));
    }

    /// <summary>Waits until the trigger consumer itself took the message, and took it without failing.</summary>
    private async Task TriggerConsumedAsync<T>(Func<T, bool> match)
        where T : class
    {
        var trigger = Harness.GetConsumerHarness<ReviewTriggerConsumer>();
        Assert.True(await trigger.Consumed.Any<T>(x => match(x.Context.Message)), $"the trigger did not take the {typeof(T).Name}");
        Assert.Null(trigger.Consumed.Select<T>(HarnessWaits.SoFar).First(x => match(x.Context.Message)).Exception);
    }

    private static NoteAdded Note(long noteId, string text, string author, long authorId) =>
        new()
        {
            ProjectId = 1,
            NoteId = noteId,
            NoteableType = "MergeRequest",
            Note = text,
            AuthorUsername = author,
            AuthorId = authorId,
            MergeRequestIid = 1,
            DiscussionId = "d-" + noteId,
            Command = GitLabBus.Consumers.Webhooks.SlashCommandParser.Parse(text),
        };
}
