using GitLabBus.GitLab;
using GitLabBus.GitLab.Models;
using GitLabBus.Simulator;
using GitLabBus.Tests.TestSupport;

namespace GitLabBus.Tests.GitLab;

/// <summary>Notes after they are written, as a review bot needs them: its summary edited in place, threads, award emoji.</summary>
public sealed class When_merge_request_notes_change : IAsyncLifetime
{
    private readonly SimulatorFixture _gitlab = new();

    public Task InitializeAsync() => _gitlab.InitializeAsync();

    public Task DisposeAsync() => _gitlab.DisposeAsync();

    private GitLabClient Bot => _gitlab.Client(token: SimulatorOptions.BotToken);

    private GitLabClient Alice => _gitlab.Client(token: SimulatorOptions.DeveloperToken);

    [Fact]
    public async Task Should_let_only_its_author_or_an_administrator_edit_or_delete_a_note()
    {
        var note = await Bot.CreateMergeRequestNoteAsync(1, 1, "Review of abc123", CancellationToken.None);

        var edited = await Bot.UpdateMergeRequestNoteAsync(1, 1, note.Id, "Review of def456", CancellationToken.None);
        var byAlice = await Assert.ThrowsAsync<GitLabException>(() =>
            Alice.UpdateMergeRequestNoteAsync(1, 1, note.Id, "Hijacked", CancellationToken.None)
        );
        await _gitlab.Client().DeleteMergeRequestNoteAsync(1, 1, note.Id, CancellationToken.None);
        var gone = await Assert.ThrowsAsync<GitLabException>(() => Bot.GetMergeRequestNoteAsync(1, 1, note.Id, CancellationToken.None));

        Assert.Equal(("Review of def456", SimulatorOptions.BotUsername), (edited.Body, edited.Author!.Username));
        Assert.Equal(GitLabErrorKind.Permission, byAlice.Kind);
        Assert.Equal(GitLabErrorKind.NotFound, gone.Kind);
    }

    [Fact]
    public async Task Should_take_replies_in_a_thread_and_resolve_it()
    {
        var thread = await Alice.CreateDiscussionAsync(1, 1, new NewGitLabDiscussion("Why this change?"), CancellationToken.None);

        var reply = await Bot.ReplyToDiscussionAsync(1, 1, thread.Id, "It fixes the discount rounding", CancellationToken.None);
        var resolved = await Alice.ResolveDiscussionAsync(1, 1, thread.Id, true, CancellationToken.None);
        var plain = await Bot.CreateMergeRequestNoteAsync(1, 1, "A plain note", CancellationToken.None);
        var plainThread = (await Bot.ListDiscussionsAsync(1, 1, CancellationToken.None).ToListAsync()).Single(d =>
            d.Notes.Any(n => n.Id == plain.Id)
        );
        var notThread = await Assert.ThrowsAsync<GitLabException>(() =>
            Bot.ResolveDiscussionAsync(1, 1, plainThread.Id, true, CancellationToken.None)
        );

        Assert.Equal(SimulatorOptions.BotUsername, reply.Author!.Username);
        Assert.Equal([thread.Notes[0].Id, reply.Id], resolved.Notes.Select(note => note.Id));
        Assert.All(resolved.Notes, note => Assert.True(note.Resolvable && note.Resolved));
        Assert.Equal(GitLabErrorKind.Validation, notThread.Kind);
    }

    [Fact]
    public async Task Should_award_an_emoji_once_per_user()
    {
        var command = await Alice.CreateMergeRequestNoteAsync(1, 1, "/review", CancellationToken.None);

        var eyes = await Bot.AwardNoteAsync(1, 1, command.Id, "eyes", CancellationToken.None);
        var again = await Assert.ThrowsAsync<GitLabException>(() => Bot.AwardNoteAsync(1, 1, command.Id, "eyes", CancellationToken.None));
        await Alice.AwardMergeRequestAsync(1, 1, "thumbsup", CancellationToken.None);

        var onNote = await Alice.ListNoteAwardsAsync(1, 1, command.Id, CancellationToken.None).ToListAsync();
        var onMergeRequest = await Bot.ListMergeRequestAwardsAsync(1, 1, CancellationToken.None).ToListAsync();
        Assert.Equal(("eyes", SimulatorOptions.BotUsername), (eyes.Name, eyes.User.Username));
        Assert.Equal(GitLabErrorKind.NotFound, again.Kind);
        Assert.Equal(["eyes"], onNote.Select(award => award.Name));
        Assert.Equal([("thumbsup", "alice")], onMergeRequest.Select(award => (award.Name, award.User.Username)));
    }
}
