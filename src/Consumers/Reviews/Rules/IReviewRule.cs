namespace GitLabBus.Consumers.Reviews.Rules;

/// <summary>
/// One check of the built-in reviewer, with the id a project turns it off by (<c>review.rules</c> in <c>.gitlabbus.yml</c>).
/// It looks only at what the merge request adds: what was there before is not this change's to answer for.
/// </summary>
public interface IReviewRule
{
    string Id { get; }

    IEnumerable<ReviewFinding> Check(IReadOnlyList<ChangedFile> files);
}
