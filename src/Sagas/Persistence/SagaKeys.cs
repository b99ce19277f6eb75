namespace GitLabBus.Sagas.Persistence;

/// <summary>
/// Every key of one instance carries the hash tag <c>{saga:correlation-id}</c>: on a Redis Cluster they share a slot, so
/// the compare-and-set that writes the instance and its journal entry in one script is allowed there too.
/// </summary>
public static class SagaKeys
{
    public static string Instance(string saga, Guid correlationId) => $"gitlabbus:saga:{Tag(saga, correlationId)}";

    public static string Finished(string saga, Guid correlationId) => $"gitlabbus:saga:{Tag(saga, correlationId)}:finished";

    public static string Lock(string saga, Guid correlationId) => $"gitlabbus:saga:{Tag(saga, correlationId)}:lock";

    public static string Journal(string saga, Guid correlationId) => $"gitlabbus:saga:{Tag(saga, correlationId)}:journal";

    private static string Tag(string saga, Guid correlationId) => $"{{{saga}:{correlationId}}}";
}
