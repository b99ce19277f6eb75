using System.Diagnostics;
using System.Diagnostics.Metrics;
using GitLabBus.Consumers.GitLabAccess;
using GitLabBus.Contracts;

namespace GitLabBus.Consumers.Reviews;

/// <summary>
/// CONTRACT 8's metrics (Prometheus adds <c>_total</c> to counters): <c>reviews_total{provider,result}</c> (<c>completed</c>,
/// <c>failed</c>, <c>skipped</c>: dropped or already done), <c>review_duration_seconds</c> (from the lease taken to the
/// summary posted), <c>review_findings_total{severity}</c> and <c>review_llm_tokens_total{provider}</c>, recorded by the
/// replica that did the review, once; and the spans of a review on activity source <see cref="Name"/>: <c>gitlab.review</c>
/// around the whole, <c>gitlab.review.model</c> around each LLM call, <c>gitlab.review.post</c> around the writes.
/// </summary>
public sealed class ReviewTelemetry
{
    public const string Name = "GitLabBus.Reviews";

    public static readonly ActivitySource Activities = new(Name);

    private readonly Counter<long> _reviews;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _findings;
    private readonly Counter<long> _tokens;

    public ReviewTelemetry(IMeterFactory meters)
    {
        var meter = meters.Create(Name);
        _reviews = meter.CreateCounter<long>("reviews", description: "Review requests that ended, by provider and result");
        _duration = meter.CreateHistogram<double>("review_duration_seconds", "s", "From a review's start to its summary posted");
        _findings = meter.CreateCounter<long>("review_findings", description: "Findings of completed reviews, by severity");
        _tokens = meter.CreateCounter<long>("review_llm_tokens", description: "Tokens the LLM reviewers used, by provider");
    }

    /// <summary>The span of one review request, tagged with what it is about (the project redacted as in every log line).</summary>
    public static Activity? Start(ReviewRequested request)
    {
        var activity = Activities.StartActivity("gitlab.review");
        activity?.SetTag("gitlab.project", ProjectRedaction.Redact(new ScopedProject(request.OrgId, request.ProjectId)));
        activity?.SetTag("gitlab.merge_request.iid", request.MergeRequestIid);
        activity?.SetTag("review.command", request.Command);
        activity?.SetTag("review.source", request.Source);
        activity?.SetTag("gitlabbus.operation_id", request.OperationId);
        return activity;
    }

    /// <summary>A step of the review in progress, under its <c>gitlab.review</c> span.</summary>
    public static Activity? Step(string name) => Activities.StartActivity("gitlab.review." + name);

    public void Tokens(string provider, long tokens) => _tokens.Add(tokens, new KeyValuePair<string, object?>("provider", provider));

    public void Ended(string provider, string result) =>
        _reviews.Add(1, new KeyValuePair<string, object?>("provider", provider), new KeyValuePair<string, object?>("result", result));

    public void Completed(string provider, double seconds, IEnumerable<string> severities)
    {
        Ended(provider, "completed");
        _duration.Record(seconds);
        foreach (var severity in severities)
        {
            _findings.Add(1, new KeyValuePair<string, object?>("severity", severity));
        }
    }
}
