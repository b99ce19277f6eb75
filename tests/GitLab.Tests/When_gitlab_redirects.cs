using System.Collections.Concurrent;
using GitLabBus.GitLab;
using GitLabBus.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GitLabBus.Tests.GitLab;

/// <summary>
/// A redirect would carry the token to the host it names: the client follows none, and says where it was sent, except
/// GitLab's redirect of an artifact download to its object storage, followed without the token.
/// </summary>
public sealed class When_gitlab_redirects : IAsyncLifetime
{
    private const string Token = "glpat-redirect-test-token";
    private readonly ConcurrentQueue<(string Path, string? Token)> _elsewhere = new();
    private WebApplication _gitlab = null!;
    private WebApplication _other = null!;

    public async Task InitializeAsync()
    {
        _other = Serve(app =>
        {
            app.Run(async context =>
            {
                _elsewhere.Enqueue((context.Request.Path, context.Request.Headers["PRIVATE-TOKEN"].FirstOrDefault()));
                await context.Response.WriteAsync("zip bytes");
            });
        });
        await _other.StartAsync();
        var other = _other.Urls.Single();
        _gitlab = Serve(app =>
        {
            app.MapGet("/api/v4/projects/1", (HttpContext http) => Results.Redirect($"{other}/api/v4/projects/1"));
            app.MapGet("/api/v4/projects/1/jobs/5/artifacts", () => Results.Redirect($"{other}/bucket/artifacts.zip?X-Amz-Signature=s"));
        });
        await _gitlab.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _gitlab.DisposeAsync();
        await _other.DisposeAsync();
    }

    [Fact]
    public async Task Should_not_follow_a_redirect_and_name_its_host()
    {
        var failure = await Assert.ThrowsAsync<GitLabException>(() => Client().GetProjectAsync(1, CancellationToken.None));

        Assert.Equal(GitLabErrorKind.Configuration, failure.Kind);
        Assert.Contains("redirected to 127.0.0.1", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, failure.Message, StringComparison.Ordinal);
        Assert.Empty(_elsewhere);
    }

    [Fact]
    public async Task Should_follow_an_artifact_download_to_storage_without_the_token()
    {
        await using var download = await Client().DownloadArtifactsAsync(1, 5, null, CancellationToken.None);

        Assert.Equal("zip bytes", await new StreamReader(download.Content).ReadToEndAsync());
        var (path, token) = Assert.Single(_elsewhere);
        Assert.Equal("/bucket/artifacts.zip", path);
        Assert.Null(token);
    }

    private GitLabClient Client() =>
        new ServiceCollection()
            .AddGitLabClient(
                new GitLabClientOptions
                {
                    BaseUrl = new Uri(_gitlab.Urls.Single()),
                    ServiceToken = new GitLabToken(Token),
                    RetryBackoffFactor = 0.02,
                    RequestsPerSecond = 0,
                }
            )
            .BuildServiceProvider()
            .GetRequiredService<GitLabClientFactory>()
            .Create();

    private static WebApplication Serve(Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(Ports.FreeLoopbackUrl());
        builder.Logging.ClearProviders();
        var app = builder.Build();
        map(app);
        return app;
    }
}
