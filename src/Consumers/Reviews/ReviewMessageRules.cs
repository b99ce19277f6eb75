using GitLabBus.Contracts;
using GitLabBus.Runtime.Bus;

namespace GitLabBus.Consumers.Reviews;

/// <summary>
/// A raw <see cref="ReviewRequested"/> from any AMQP client is checked like the REST one; a broken one ends in <c>_error</c>.
/// </summary>
public sealed class ReviewRequestedMessageRules : IMessageRules<ReviewRequested>
{
    public string? Problem(ReviewRequested message) => ReviewRequestedRules.Problem(message);
}
