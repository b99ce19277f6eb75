using System.Net.Http.Headers;
using GitLabBus.GitLab.Models;

namespace GitLabBus.GitLab;

public sealed partial class GitLabClient
{
    private static readonly HashSet<string> FinalJobStatuses = ["success", "failed", "canceled", "skipped", "manual"];

    /// <summary>Newest first; <paramref name="gitRef"/> and <paramref name="status"/> filter when given.</summary>
    public Task<GitLabPage<GitLabPipeline>> GetPipelinesPageAsync(
        ProjectRef project,
        string? gitRef,
        string? status,
        int page,
        int? perPage,
        CancellationToken cancellationToken
    ) =>
        _connection.GetPageAsync<GitLabPipeline>(
            Query(
                $"projects/{project.Encoded}/pipelines",
                string.Join(
                    '&',
                    new[]
                    {
                        gitRef is null ? null : $"ref={Uri.EscapeDataString(gitRef)}",
                        status is null ? null : $"status={Uri.EscapeDataString(status)}",
                    }.Where(part => part is not null)
                )
            ),
            page,
            perPage,
            cancellationToken
        );

    public Task<GitLabPipeline> GetPipelineAsync(ProjectRef project, long pipelineId, CancellationToken cancellationToken) =>
        GetAsync<GitLabPipeline>($"projects/{project.Encoded}/pipelines/{pipelineId}", cancellationToken);

    /// <summary>400 (<see cref="GitLabErrorKind.Validation"/>) for an unknown ref or a refused variable.</summary>
    public Task<GitLabPipeline> CreatePipelineAsync(ProjectRef project, NewGitLabPipeline pipeline, CancellationToken cancellationToken) =>
        PostAsync<GitLabPipeline>($"projects/{project.Encoded}/pipeline", pipeline, cancellationToken);

    /// <summary>The trigger API: authenticated by the trigger token alone, variables as <c>variables[KEY]</c>.</summary>
    public Task<GitLabPipeline> TriggerPipelineAsync(
        ProjectRef project,
        GitLabToken triggerToken,
        string gitRef,
        IReadOnlyDictionary<string, string>? variables,
        CancellationToken cancellationToken
    ) =>
        _connection.TriggerAsync<GitLabPipeline>(
            $"projects/{project.Encoded}/trigger/pipeline",
            triggerToken,
            [
                new("ref", gitRef),
                .. (variables ?? new Dictionary<string, string>()).Select(v => KeyValuePair.Create($"variables[{v.Key}]", v.Value)),
            ],
            cancellationToken
        );

    public Task<GitLabPipeline> CancelPipelineAsync(ProjectRef project, long pipelineId, CancellationToken cancellationToken) =>
        PostAsync<GitLabPipeline>($"projects/{project.Encoded}/pipelines/{pipelineId}/cancel", null, cancellationToken);

    public Task<GitLabPipeline> RetryPipelineAsync(ProjectRef project, long pipelineId, CancellationToken cancellationToken) =>
        PostAsync<GitLabPipeline>($"projects/{project.Encoded}/pipelines/{pipelineId}/retry", null, cancellationToken);

    public Task DeletePipelineAsync(ProjectRef project, long pipelineId, CancellationToken cancellationToken) =>
        DeleteAsync($"projects/{project.Encoded}/pipelines/{pipelineId}", cancellationToken);

    public Task<List<GitLabPipelineVariable>> GetPipelineVariablesAsync(
        ProjectRef project,
        long pipelineId,
        CancellationToken cancellationToken
    ) => GetAsync<List<GitLabPipelineVariable>>($"projects/{project.Encoded}/pipelines/{pipelineId}/variables", cancellationToken);

    public IAsyncEnumerable<GitLabJob> ListPipelineJobsAsync(ProjectRef project, long pipelineId, CancellationToken cancellationToken) =>
        _connection.ListAsync<GitLabJob>($"projects/{project.Encoded}/pipelines/{pipelineId}/jobs", cancellationToken);

    public IAsyncEnumerable<GitLabBridge> ListPipelineBridgesAsync(
        ProjectRef project,
        long pipelineId,
        CancellationToken cancellationToken
    ) => _connection.ListAsync<GitLabBridge>($"projects/{project.Encoded}/pipelines/{pipelineId}/bridges", cancellationToken);

    public Task<GitLabJob> GetJobAsync(ProjectRef project, long jobId, CancellationToken cancellationToken) =>
        GetAsync<GitLabJob>($"projects/{project.Encoded}/jobs/{jobId}", cancellationToken);

    /// <summary>
    /// The log from byte <paramref name="offset"/> on. GitLab serves no ranges, so the whole trace is fetched and the
    /// new part cut here; <see cref="GitLabTrace.Complete"/> says whether more can come.
    /// </summary>
    public async Task<GitLabTrace> GetTraceAsync(ProjectRef project, long jobId, long offset, CancellationToken cancellationToken)
    {
        var job = await GetJobAsync(project, jobId, cancellationToken);
        using var response = await _connection.SendRawAsync(
            HttpMethod.Get,
            $"projects/{project.Encoded}/jobs/{jobId}/trace",
            null,
            HttpCompletionOption.ResponseContentRead,
            cancellationToken
        );
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var from = Math.Clamp(offset, 0, bytes.LongLength);
        return new GitLabTrace(
            System.Text.Encoding.UTF8.GetString(bytes, (int)from, (int)(bytes.LongLength - from)),
            from,
            bytes.LongLength,
            FinalJobStatuses.Contains(job.Status)
        );
    }

    /// <summary>GitLab's 403 "not retryable" (<see cref="GitLabErrorKind.State"/>) when the job cannot be retried now.</summary>
    public Task<GitLabJob> RetryJobAsync(ProjectRef project, long jobId, CancellationToken cancellationToken) =>
        PostAsync<GitLabJob>($"projects/{project.Encoded}/jobs/{jobId}/retry", null, cancellationToken);

    public Task<GitLabJob> CancelJobAsync(ProjectRef project, long jobId, CancellationToken cancellationToken) =>
        PostAsync<GitLabJob>($"projects/{project.Encoded}/jobs/{jobId}/cancel", null, cancellationToken);

    /// <summary>Starts a manual job.</summary>
    public Task<GitLabJob> PlayJobAsync(ProjectRef project, long jobId, CancellationToken cancellationToken) =>
        PostAsync<GitLabJob>($"projects/{project.Encoded}/jobs/{jobId}/play", null, cancellationToken);

    public Task<GitLabJob> EraseJobAsync(ProjectRef project, long jobId, CancellationToken cancellationToken) =>
        PostAsync<GitLabJob>($"projects/{project.Encoded}/jobs/{jobId}/erase", null, cancellationToken);

    /// <summary>
    /// The job's artifacts archive, or one file out of it when <paramref name="path"/> is given, streamed: dispose the
    /// download when done. With <paramref name="range"/> only those bytes are asked for (<see cref="GitLabDownload.Offset"/>
    /// says where the answer starts: 0 when the server sent the whole file).
    /// </summary>
    public Task<GitLabDownload> DownloadArtifactsAsync(
        ProjectRef project,
        long jobId,
        string? path,
        CancellationToken cancellationToken,
        (long Offset, long Length)? range = null
    ) =>
        DownloadAsync(
            path is null
                ? $"projects/{project.Encoded}/jobs/{jobId}/artifacts"
                : $"projects/{project.Encoded}/jobs/{jobId}/artifacts/{string.Join('/', path.Split('/').Select(Uri.EscapeDataString))}",
            range is { } wanted ? new RangeHeaderValue(wanted.Offset, wanted.Offset + wanted.Length - 1) : null,
            cancellationToken
        );

    public IAsyncEnumerable<GitLabEnvironment> ListEnvironmentsAsync(ProjectRef project, CancellationToken cancellationToken) =>
        _connection.ListAsync<GitLabEnvironment>($"projects/{project.Encoded}/environments", cancellationToken);

    public Task<GitLabEnvironment> GetEnvironmentAsync(ProjectRef project, long environmentId, CancellationToken cancellationToken) =>
        GetAsync<GitLabEnvironment>($"projects/{project.Encoded}/environments/{environmentId}", cancellationToken);

    public Task<GitLabEnvironment> StopEnvironmentAsync(ProjectRef project, long environmentId, CancellationToken cancellationToken) =>
        PostAsync<GitLabEnvironment>($"projects/{project.Encoded}/environments/{environmentId}/stop", null, cancellationToken);

    private async Task<GitLabDownload> DownloadAsync(string path, RangeHeaderValue? range, CancellationToken cancellationToken)
    {
        var response = await _connection.SendRawAsync(
            HttpMethod.Get,
            path,
            null,
            HttpCompletionOption.ResponseHeadersRead,
            cancellationToken,
            range,
            fromStorage: true
        );
        return new GitLabDownload(response, await response.Content.ReadAsStreamAsync(cancellationToken));
    }
}
