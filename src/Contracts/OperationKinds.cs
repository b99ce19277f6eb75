namespace GitLabBus.Contracts;

/// <summary>The <c>kind</c> of an operation (<c>GET /operations/{id}</c>): what started it.</summary>
public static class OperationKinds
{
    public const string ApplyBacklog = "apply_backlog";
    public const string PipelineTrigger = "pipeline_trigger";
    public const string CacheEmbeddings = "cache_embeddings";
    public const string MergeQueueEnqueue = "merge_queue_enqueue";
    public const string Review = "review";
}
