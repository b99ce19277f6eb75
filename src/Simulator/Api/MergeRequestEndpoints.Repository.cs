using System.Text.Json;
using GitLabBus.Simulator.Git;
using GitLabBus.Simulator.State;
using LibGit2Sharp;

namespace GitLabBus.Simulator.Api;

/// <summary>What a merge request's endpoints read from the repository: merging, versions, commits and diff positions.</summary>
public static partial class MergeRequestEndpoints
{
    /// <summary>GitLab's answer to a diff position it cannot place on a line of the diff.</summary>
    public const string LineCodeRefusal = "Note {:line_code=>[\"can't be blank\", \"must be a valid line code\"]}";

    private static IResult Merge(SimStore store, SimProject project, SimMergeRequest mr, SimParams parameters, SimUser caller)
    {
        var status = store.DetailedMergeStatus(project, mr);
        if (status != "mergeable")
        {
            return status == "not_open"
                ? SimResults.NotAllowed("405 Method Not Allowed")
                : SimResults.NotAllowed($"405 Method Not Allowed - {status}");
        }

        var head = project.Branches[mr.SourceBranch].Head;
        if (parameters.String("sha") is { Length: > 0 } sha && sha != head)
        {
            return SimResults.Conflict("SHA does not match HEAD of source branch: " + head);
        }

        var choice = new SimStore.MergeChoice(
            parameters.Bool("squash") == true,
            parameters.String("merge_commit_message"),
            parameters.String("squash_commit_message")
        );
        if (!store.Merge(project, mr, choice, caller))
        {
            return SimResults.Ok(new { message = "Branch cannot be merged" }, 422);
        }

        if (parameters.Bool("should_remove_source_branch") == true)
        {
            project.Branches.Remove(mr.SourceBranch);
        }

        return SimResults.Ok(SimJson.MergeRequest(store, project, mr, false));
    }

    private static Dictionary<string, object?> Version(SimMergeRequest mr, SimVersion version, IReadOnlyList<FileChange> diff) =>
        new()
        {
            ["id"] = version.Id,
            ["head_commit_sha"] = version.HeadSha,
            ["base_commit_sha"] = version.BaseSha,
            ["start_commit_sha"] = version.StartSha,
            ["created_at"] = SimFormat.Api(version.CreatedAt),
            ["merge_request_id"] = mr.Id,
            ["state"] = "collected",
            ["real_size"] = diff.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["patch_id_sha"] = version.HeadSha,
        };

    /// <summary>A version with its commits (newest first) and its diffs, as <c>GET .../versions/:version_id</c> gives it.</summary>
    private static Dictionary<string, object?> VersionDetail(SimStore store, SimProject project, SimMergeRequest mr, SimVersion version)
    {
        var diff = SimStore.Diff(project, version);
        var detail = Version(mr, version, diff);
        detail["commits"] = CommitsOf(project, version).Select(commit => SimJson.Commit(store, project, commit)).ToArray();
        detail["diffs"] = diff.Select(SimJson.Diff).ToArray();
        return detail;
    }

    /// <summary>The merge request's commits, newest first: those of its latest version (kept after it merged).</summary>
    private static List<Commit> CommitsOf(SimProject project, SimMergeRequest mr) =>
        mr.Versions.FirstOrDefault() is { } version ? CommitsOf(project, version) : [];

    /// <summary>A version's commits, newest first: from its base to its head.</summary>
    private static List<Commit> CommitsOf(SimProject project, SimVersion version) =>
        project.Repository.Find(version.HeadSha) is { } head
            ? [.. project.Repository.Log(head, project.Repository.Find(version.BaseSha))]
            : [];

    /// <summary>
    /// GitLab places a diff note on a line of one of the merge request's versions: an added line by <c>new_line</c>, a
    /// removed one by <c>old_line</c>, an unchanged one in a hunk by both. Anything else has no line code and is refused.
    /// </summary>
    private static string? PositionError(SimProject project, SimMergeRequest mr, JsonElement position)
    {
        if (position.ValueKind != JsonValueKind.Object)
        {
            return "Note {:position=>[\"is invalid\"]}";
        }

        string? Text(string name) => PositionText(position, name);
        int? Line(string name) => PositionLine(position, name);
        if ((Text("position_type") ?? "text") != "text")
        {
            return null;
        }

        var version = mr.Versions.FirstOrDefault(candidate =>
            candidate.HeadSha == Text("head_sha") && candidate.BaseSha == Text("base_sha") && candidate.StartSha == Text("start_sha")
        );
        var file = version is null
            ? null
            : SimStore
                .Diff(project, version)
                .FirstOrDefault(change => change.NewPath == (Text("new_path") ?? Text("old_path")) || change.OldPath == Text("old_path"));
        return file is not null && DiffLines.Parse(file.Diff).Any(line => line.Old == Line("old_line") && line.New == Line("new_line"))
            ? null
            : LineCodeRefusal;
    }

    /// <summary>
    /// The position as GitLab stores and answers it, whatever way it came (JSON or form fields, lines as numbers or text).
    /// </summary>
    private static JsonElement StoredPosition(JsonElement position) =>
        JsonSerializer.SerializeToElement(
            new
            {
                base_sha = PositionText(position, "base_sha"),
                start_sha = PositionText(position, "start_sha"),
                head_sha = PositionText(position, "head_sha"),
                old_path = PositionText(position, "old_path") ?? PositionText(position, "new_path"),
                new_path = PositionText(position, "new_path") ?? PositionText(position, "old_path"),
                position_type = PositionText(position, "position_type") ?? "text",
                old_line = PositionLine(position, "old_line"),
                new_line = PositionLine(position, "new_line"),
                line_range = (object?)null,
            }
        );

    private static string? PositionText(JsonElement position, string name) =>
        position.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int? PositionLine(JsonElement position, string name) =>
        !position.TryGetProperty(name, out var value) ? null
        : value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number
        : value.ValueKind == JsonValueKind.String && int.TryParse(value.GetString(), out var parsed) ? parsed
        : null;
}
