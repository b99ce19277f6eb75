using System.Net;
using GitLabBus.GitLab;
using GitLabBus.GitLab.Http;
using GitLabBus.Simulator;
using GitLabBus.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace GitLabBus.Tests.GitLab;

/// <summary>
/// Clients for a GitLab named by someone else (an organisation's): they reach it at its own address, and connect only to
/// public addresses unless private networks are allowed — the check made on what the name resolves to, when connecting.
/// </summary>
public sealed class When_another_instance_is_called : IAsyncLifetime
{
    private readonly SimulatorFixture _gitlab = new();
    private readonly List<ServiceProvider> _providers = [];

    public Task InitializeAsync() => _gitlab.InitializeAsync();

    public async Task DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }

        await _gitlab.DisposeAsync();
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("10.1.2.3", true)]
    [InlineData("172.16.0.1", true)]
    [InlineData("172.31.255.255", true)]
    [InlineData("192.168.1.1", true)]
    [InlineData("169.254.169.254", true)]
    [InlineData("100.64.0.1", true)]
    [InlineData("0.0.0.0", true)]
    [InlineData("::1", true)]
    [InlineData("fe80::1", true)]
    [InlineData("fd00::1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("172.32.0.1", false)]
    [InlineData("100.128.0.1", false)]
    [InlineData("8.8.8.8", false)]
    [InlineData("2606:4700::1111", false)]
    public void Should_tell_private_addresses_from_public_ones(string address, bool isPrivate) =>
        Assert.Equal(isPrivate, OutboundAddresses.IsPrivate(IPAddress.Parse(address)));

    [Fact]
    public async Task Should_refuse_a_loopback_instance_at_once_unless_private_networks_are_allowed()
    {
        var instance = new Uri(_gitlab.Url);

        var refused = await Assert.ThrowsAsync<GitLabException>(() =>
            Factory(allowPrivateNetworks: false)
                .ForInstance(instance, new GitLabToken(SimulatorOptions.DefaultToken))
                .GetCurrentUserAsync(CancellationToken.None)
        );
        var allowed = await Factory(allowPrivateNetworks: true)
            .ForInstance(instance, new GitLabToken(SimulatorOptions.DefaultToken))
            .GetCurrentUserAsync(CancellationToken.None);

        Assert.Equal(GitLabErrorKind.Configuration, refused.Kind);
        Assert.Contains("OUTBOUND_ALLOW_PRIVATE_NETWORKS", refused.Message, StringComparison.Ordinal);
        Assert.Equal("root", allowed.Username);
    }

    [Fact]
    public async Task Should_tell_whether_a_host_has_an_address_calls_may_go_to()
    {
        Assert.False(await OutboundAddresses.IsReachableAsync("127.0.0.1", allowPrivateNetworks: false, CancellationToken.None));
        Assert.False(await OutboundAddresses.IsReachableAsync("localhost", allowPrivateNetworks: false, CancellationToken.None));
        Assert.True(await OutboundAddresses.IsReachableAsync("127.0.0.1", allowPrivateNetworks: true, CancellationToken.None));
        Assert.True(await OutboundAddresses.IsReachableAsync("8.8.8.8", allowPrivateNetworks: false, CancellationToken.None));
    }

    private GitLabClientFactory Factory(bool allowPrivateNetworks)
    {
        var provider = new ServiceCollection()
            .AddGitLabClient(
                new GitLabClientOptions
                {
                    BaseUrl = new Uri("http://gitlab.invalid"),
                    RequestsPerSecond = 0,
                    RetryBackoffFactor = 0.02,
                    AllowPrivateNetworks = allowPrivateNetworks,
                }
            )
            .BuildServiceProvider();
        _providers.Add(provider);
        return provider.GetRequiredService<GitLabClientFactory>();
    }
}
