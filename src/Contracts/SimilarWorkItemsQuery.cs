namespace GitLabBus.Contracts;

/// <summary>
/// The work items of a project whose cached title embeddings are nearest to each of <see cref="Texts"/> (each text embedded with
/// the model the consumers run now). Answered with <see cref="SimilarWorkItems"/>, or <see cref="RequestRefused"/>: <c>conflict</c>
/// when the project has no cached embeddings of that model, <c>embedding_unavailable</c> when the model could not embed.
/// </summary>
public record SimilarWorkItemsQuery
{
    /// <summary>A numeric id or a path, as GitLab's <c>:id</c> takes.</summary>
    public string ProjectId { get; init; } = "";
    public IReadOnlyList<string> Texts { get; init; } = [];
    public int Limit { get; init; } = 10;
    public double MinScore { get; init; } = 0.5;
    public string? CredentialRef { get; init; }

    /// <summary>The organisation whose own GitLab the work is for (<see cref="OrgScope"/>); null for the GitLab this deployment
    /// serves.</summary>
    public string? OrgId { get; init; }
}

/// <summary>For each text of the query in order, its matches best first; <see cref="Model"/> made the vectors compared.</summary>
public record SimilarWorkItems(string Model, IReadOnlyList<IReadOnlyList<SimilarWorkItem>> Matches);

/// <summary>A work item as <c>similar</c> names it: <see cref="Kind"/> <c>epic</c> or <c>issue</c>, GitLab's id, the cosine
/// similarity of its title's embedding to the text's.</summary>
public record SimilarWorkItem(string Kind, string Id, string Title, string WebUrl, double Score);
