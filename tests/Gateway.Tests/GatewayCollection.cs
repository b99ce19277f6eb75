namespace GitLabBus.Tests.Gateway;

/// <summary>
/// Gateway test classes run one after another: MassTransit's meter and instruments are process-wide
/// statics, so two gateways started side by side in one test process would share and disturb them.
/// </summary>
[CollectionDefinition(Name)]
public sealed class GatewayCollection
{
    public const string Name = "gateway";
}
