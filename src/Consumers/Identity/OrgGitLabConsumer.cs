using System.Text.RegularExpressions;
using GitLabBus.Consumers.GitLabAccess;
using GitLabBus.Contracts;
using GitLabBus.GitLab;
using GitLabBus.GitLab.Http;
using GitLabBus.Runtime.Settings;
using MassTransit;

namespace GitLabBus.Consumers.Identity;

/// <summary>
/// An organisation's GitLab work asked by the gateway: validating its token, and its tasks' links (added with the item's
/// metadata read from that GitLab, listed, removed). Every GitLab call goes to the organisation's GitLab with its token.
/// </summary>
public sealed partial class OrgGitLabConsumer(OrgGitLabClients gitlab, ITaskLinkStore links, GitLabSettings settings, TimeProvider time)
    : IConsumer<OrgGitLabAddressQuery>,
        IConsumer<OrgGitLabValidateQuery>,
        IConsumer<TaskLinkAddRequested>,
        IConsumer<TaskLinksQuery>,
        IConsumer<TaskLinkRemoveRequested>
{
    public async Task Consume(ConsumeContext<OrgGitLabAddressQuery> context) =>
        await context.RespondAsync(
            new OrgGitLabAddressChecked(
                await OutboundAddresses.IsReachableAsync(context.Message.Host, settings.AllowPrivateNetworks, context.CancellationToken)
            )
        );

    public async Task Consume(ConsumeContext<OrgGitLabValidateQuery> context)
    {
        if (await gitlab.ForAsync(context.Message.OrgId, context.CancellationToken) is not { } org)
        {
            await context.RespondAsync(NotConfigured(context.Message.OrgId));
            return;
        }

        try
        {
            var user = await org.Client.GetCurrentUserAsync(context.CancellationToken);
            await context.RespondAsync(new OrgGitLabValidated(true, user.Username, null));
        }
        catch (GitLabException refused)
        {
            await context.RespondAsync(new OrgGitLabValidated(false, null, refused.GitLabMessage));
        }
    }

    public async Task Consume(ConsumeContext<TaskLinkAddRequested> context)
    {
        var request = context.Message;
        if (await gitlab.ForAsync(request.OrgId, context.CancellationToken) is not { } org)
        {
            await context.RespondAsync(NotConfigured(request.OrgId));
            return;
        }

        if (ItemOf(request, org.Integration.BaseUrl) is not { } item)
        {
            await context.RespondAsync(
                new RequestRefused(
                    ErrorCodes.InvalidRequest,
                    $"give url (an issue or merge request of {org.Integration.BaseUrl}) or project_path, gitlab_iid and kind "
                        + "(issue or merge_request)",
                    null
                )
            );
            return;
        }

        var now = time.GetUtcNow();
        var link = new TaskLink
        {
            LinkId = TaskLinkMetadata.IdOf(request.OrgId, request.TaskId, item.Kind, item.ProjectPath, item.Iid),
            OrgId = request.OrgId,
            TaskId = request.TaskId,
            Kind = item.Kind,
            ProjectPath = item.ProjectPath,
            GitlabIid = item.Iid,
            WebUrl = "",
            Title = "",
            State = "",
            RefreshedAt = now,
            CreatedAt = now,
        };
        try
        {
            link = await TaskLinkMetadata.ReadAsync(org.Client, link, now, context.CancellationToken);
        }
        catch (GitLabException failure) when (GitLabFailures.IsAnswerable(failure))
        {
            await context.RespondAsync(GitLabFailures.Refusal(failure, $"{item.Kind} {item.ProjectPath}#{item.Iid}"));
            return;
        }

        await context.RespondAsync(await links.AddAsync(link, context.CancellationToken));
    }

    public async Task Consume(ConsumeContext<TaskLinksQuery> context) =>
        await context.RespondAsync(
            new TaskLinkList(await links.ListAsync(context.Message.OrgId, context.Message.TaskId, context.CancellationToken))
        );

    public async Task Consume(ConsumeContext<TaskLinkRemoveRequested> context) =>
        await context.RespondAsync(
            new TaskLinkRemoved(
                await links.RemoveAsync(context.Message.OrgId, context.Message.TaskId, context.Message.LinkId, context.CancellationToken)
            )
        );

    /// <summary>The item a request names: by its URL on the organisation's GitLab, or by path, iid and kind.</summary>
    private static (string Kind, string ProjectPath, long Iid)? ItemOf(TaskLinkAddRequested request, Uri instance)
    {
        if (request.Url is { } url)
        {
            if (
                !Uri.TryCreate(url, UriKind.Absolute, out var uri)
                || !string.Equals(uri.Host, instance.Host, StringComparison.OrdinalIgnoreCase)
                || ItemPath().Match(uri.AbsolutePath) is not { Success: true } match
                || !long.TryParse(match.Groups["iid"].Value, out var iid)
            )
            {
                return null;
            }

            // A GitLab under a relative root (https://example.com/gitlab) has it before every project path.
            var root = instance.AbsolutePath.Trim('/');
            var path = match.Groups["project"].Value;
            path = root.Length > 0 && path.StartsWith(root + "/", StringComparison.OrdinalIgnoreCase) ? path[(root.Length + 1)..] : path;
            return (match.Groups["kind"].Value == "issues" ? TaskLink.Issue : TaskLink.MergeRequest, ProjectNames.Canonical(path), iid);
        }

        return
            request is { ProjectPath: { } projectPath, GitlabIid: > 0 and var number, Kind: TaskLink.Issue or TaskLink.MergeRequest }
            && ProjectNames.IsPath(projectPath)
            ? (request.Kind!, ProjectNames.Canonical(projectPath), number)
            : null;
    }

    private static RequestRefused NotConfigured(string orgId) =>
        new(ErrorCodes.NotFound, $"organisation {orgId} has no GitLab configured (PUT /api/orgs/{orgId}/integrations/gitlab)", null);

    [GeneratedRegex("^/(?<project>.+?)/-/(?<kind>issues|merge_requests)/(?<iid>[0-9]+)/?$")]
    private static partial Regex ItemPath();
}
