using GitLabBus.Contracts;
using GitLabBus.Runtime.Bus;

namespace GitLabBus.Sagas.Backlog;

/// <summary>The rules as the bus checks them on every <see cref="BacklogApplyRequested"/> before the saga sees it.</summary>
public sealed class BacklogApplyRequestRules : IMessageRules<BacklogApplyRequested>
{
    public string? Problem(BacklogApplyRequested message) => BacklogApplyRules.Problem(message);
}
