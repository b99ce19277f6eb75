using System.Text;
using System.Text.Json;
using GitLabBus.Simulator;
using GitLabBus.Tests.TestSupport;

namespace GitLabBus.Tests.Simulator.ThirdParty;

/// <summary>
/// gitbeaker against the simulator's real repository: the calls a merge queue and a review bot make, by a client that is not
/// ours, so a drift from GitLab's paths, bodies or form encodings fails here as it would for users.
/// </summary>
public sealed class When_a_third_party_client_drives_the_repository(When_a_third_party_client_drives_the_repository.GitbeakerRun run)
    : IClassFixture<When_a_third_party_client_drives_the_repository.GitbeakerRun>
{
    private readonly SimulatorFixture _gitlab = run.GitLab;
    private readonly JsonElement _seen = run.Seen;

    /// <summary>One run of the script per class: it writes, so every fact reads the same simulator state.</summary>
    public sealed class GitbeakerRun : IAsyncLifetime
    {
        public SimulatorFixture GitLab { get; } = new();

        public JsonElement Seen { get; private set; }

        public async Task InitializeAsync()
        {
            await GitLab.InitializeAsync();
            Seen = await NodeClient.RunAsync(
                "gitbeaker-repository.mjs",
                new Dictionary<string, string> { ["GITLAB_URL"] = GitLab.Url, ["GITLAB_TOKEN"] = SimulatorOptions.DefaultToken },
                CancellationToken.None
            );
        }

        public Task DisposeAsync() => GitLab.DisposeAsync();
    }

    [Fact]
    public void Should_write_a_file_and_read_it_back_as_base64_and_raw()
    {
        var shown = _seen.GetProperty("shownFile");

        Assert.Equal("docs/gitbeaker.md", _seen.GetProperty("written").GetProperty("filePath").GetString());
        Assert.Equal("base64", shown.GetProperty("encoding").GetString());
        Assert.Equal("# From gitbeaker\n", Encoding.UTF8.GetString(Convert.FromBase64String(shown.GetProperty("content").GetString()!)));
        Assert.Equal("# From gitbeaker\n", _seen.GetProperty("raw").GetString());
    }

    [Fact]
    public async Task Should_cherry_pick_one_commit_and_refuse_one_that_conflicts()
    {
        var picked = _seen.GetProperty("picked");
        var conflicting = _seen.GetProperty("conflicting");
        var batch = await _gitlab.Client().GetBranchAsync(1, "gitbeaker/batch", CancellationToken.None);

        Assert.Equal(batch.Commit.Id, picked.GetProperty("id").GetString());
        Assert.Contains("(cherry picked from commit", picked.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(400, conflicting.GetProperty("status").GetInt32());
        Assert.StartsWith("Sorry, we cannot cherry-pick", conflicting.GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Should_compare_branches_and_read_real_merge_request_diffs()
    {
        var compared = _seen.GetProperty("compared");
        var diffs = _seen.GetProperty("diffs").EnumerateArray().ToList();

        Assert.Equal(["src/cart.py", "src/checkout.py"], compared.GetProperty("paths").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(1, compared.GetProperty("commits").GetArrayLength());
        Assert.Equal(["src/checkout.py", "templates/checkout.html"], diffs.Select(d => d.GetProperty("newPath").GetString()));
        Assert.Contains("+def checkout(cart: Cart, payment, express: bool = False)", diffs[0].GetProperty("diff").GetString());
        Assert.True(diffs[1].GetProperty("newFile").GetBoolean());
    }

    [Fact]
    public async Task Should_merge_two_on_separate_lines_of_a_file_and_refuse_the_one_on_the_same_lines()
    {
        var checkout = await _gitlab.Client().GetFileAsync(1, "src/checkout.py", "main", CancellationToken.None);
        var third = await _gitlab.Client().GetMergeRequestAsync(1, 3, false, CancellationToken.None);

        Assert.Equal(["merged", "merged"], _seen.GetProperty("merged").EnumerateArray().Select(state => state.GetString()));
        Assert.Equal(405, _seen.GetProperty("refusedThird").GetProperty("status").GetInt32());
        Assert.Contains("discounts applied", checkout.Text(), StringComparison.Ordinal);
        Assert.Contains("express: bool = False", checkout.Text(), StringComparison.Ordinal);
        Assert.Equal(("opened", "conflict"), (third.State, third.DetailedMergeStatus));
    }

    [Fact]
    public void Should_place_a_discussion_on_a_changed_line_and_refuse_one_outside_the_diff()
    {
        var note = _seen.GetProperty("placed").GetProperty("notes")[0];
        var misplaced = _seen.GetProperty("misplaced");

        Assert.Equal(("DiffNote", 16), (note.GetProperty("type").GetString(), note.GetProperty("newLine").GetInt32()));
        Assert.Equal(400, misplaced.GetProperty("status").GetInt32());
        Assert.Contains("line_code", misplaced.GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_edit_a_note_in_place()
    {
        var noteId = _seen.GetProperty("noteId").GetInt64();
        var held = await _gitlab.Client().GetMergeRequestNoteAsync(1, 1, noteId, CancellationToken.None);

        Assert.Equal("Looks good, merging", _seen.GetProperty("editedNote").GetProperty("body").GetString());
        Assert.Equal("Looks good, merging", held.Body);
    }
}
