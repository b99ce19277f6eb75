namespace GitLabBus.Tests.EndToEnd;

public sealed class When_the_gateway_is_stopped : IAsyncLifetime
{
    private readonly GatewayProcess _gateway = new();

    public Task InitializeAsync() => _gateway.InitializeAsync();

    public Task DisposeAsync() => _gateway.DisposeAsync();

    [Fact]
    public async Task Should_shut_down_cleanly_on_sigterm()
    {
        var exitCode = await _gateway.StopAsync();

        Assert.Equal(0, exitCode);
        Assert.DoesNotContain("Unhandled exception", _gateway.Output);
        Assert.False(File.Exists(_gateway.SecretsFile), "the generated secrets' file outlived the gateway");
    }
}
