namespace GitLabBus.Sagas.Persistence;

/// <summary>Every Redis key of a saga type, in one place: the repository writes them, inspection and replay read them.</summary>
public static class SagaKeys
{
    public static string Instance(string saga, Guid correlationId) => $"gitlabbus:saga:{saga}:{correlationId}";

    public static string Finished(string saga, Guid correlationId) => $"gitlabbus:saga:{saga}:finished:{correlationId}";

    public static string Lock(string saga, Guid correlationId) => $"gitlabbus:saga:{saga}:lock:{correlationId}";

    public static string Journal(string saga, Guid correlationId) => $"gitlabbus:saga:{saga}:journal:{correlationId}";
}
