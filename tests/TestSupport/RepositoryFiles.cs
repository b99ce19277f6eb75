namespace GitLabBus.Tests.TestSupport;

/// <summary>The repository the tests were built from: the folder above them holding <c>GitLabBus.sln</c>.</summary>
public static class RepositoryFiles
{
    public static string Root { get; } = Find();

    public static string Read(string relativePath) => File.ReadAllText(Path.Combine(Root, relativePath));

    private static string Find()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "GitLabBus.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"no GitLabBus.sln above {AppContext.BaseDirectory}");
    }
}
