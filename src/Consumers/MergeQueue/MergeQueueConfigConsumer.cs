using GitLabBus.Consumers.GitLabAccess;
using GitLabBus.Contracts;
using MassTransit;

namespace GitLabBus.Consumers.MergeQueue;

/// <summary>
/// Reads and changes a project's merge queue settings for the gateway. The project must be one GitLab shows the caller
/// (404 otherwise); new settings are checked again here, since any system may send the request, and the queues of the
/// target branches they name or named are told.
/// </summary>
public sealed class MergeQueueConfigConsumer(GitLabClients gitlab, IMergeQueueConfigStore configs, ILogger<MergeQueueConfigConsumer> logger)
    : IConsumer<MergeQueueConfigQuery>,
        IConsumer<MergeQueueConfigChangeRequested>
{
    public Task Consume(ConsumeContext<MergeQueueConfigQuery> context) =>
        context.AnswerAsync(
            gitlab,
            context.Message.OrgId,
            context.Message.CredentialRef,
            async client =>
            {
                var project = await client.GetProjectAsync(context.Message.ProjectId, context.CancellationToken);
                return new MergeQueueConfigAnswer
                {
                    ProjectId = project.Id,
                    Config = await configs.GetAsync(new ScopedProject(context.Message.OrgId, project.Id), context.CancellationToken),
                };
            }
        );

    public Task Consume(ConsumeContext<MergeQueueConfigChangeRequested> context) =>
        context.AnswerAsync(
            gitlab,
            context.Message.OrgId,
            context.Message.CredentialRef,
            async client =>
            {
                var change = context.Message;
                if (MergeQueueConfigRules.Problems(change.Config) is { Count: > 0 } problems)
                {
                    return MergeQueueConfigRules.Refusal(problems);
                }

                var project = await client.GetProjectAsync(change.ProjectId, context.CancellationToken);
                var scoped = new ScopedProject(change.OrgId, project.Id);
                var before = await configs.GetAsync(scoped, context.CancellationToken);
                await configs.PutAsync(scoped, change.Config, context.CancellationToken);
                // Every queue the settings name or named hears of them: a branch taken out stops batching as well.
                foreach (var target in change.Config.TargetBranches.Union(before.TargetBranches, StringComparer.Ordinal))
                {
                    await context.Publish(
                        new MergeQueueSettingsChanged
                        {
                            ProjectId = project.Id,
                            OrgId = change.OrgId,
                            TargetBranch = target,
                            Config = change.Config.TargetBranches.Contains(target, StringComparer.Ordinal)
                                ? change.Config
                                : change.Config with
                                {
                                    Paused = true,
                                },
                        },
                        context.CancellationToken
                    );
                }

                logger.LogInformation(
                    "Merge queue settings of project {Project} changed: batch size {BatchSize}, {Parallel} at once, paused {Paused}",
                    scoped,
                    change.Config.BatchSize,
                    change.Config.MaxParallelBatches,
                    change.Config.Paused
                );
                return new MergeQueueConfigAnswer { ProjectId = project.Id, Config = change.Config };
            }
        );
}
