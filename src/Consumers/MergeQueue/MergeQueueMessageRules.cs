using GitLabBus.Contracts;
using GitLabBus.Runtime.Bus;

namespace GitLabBus.Consumers.MergeQueue;

/// <summary>A raw <c>MrReadyForBatch</c> from another system that breaks the contract ends in <c>_error</c> with the reason.</summary>
public sealed class MrReadyForBatchMessageRules : IMessageRules<MrReadyForBatch>
{
    public string? Problem(MrReadyForBatch message) => MrReadyForBatchRules.Problem(message);
}
