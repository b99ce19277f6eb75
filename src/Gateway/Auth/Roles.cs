namespace GitLabBus.Gateway.Auth;

/// <summary>The <c>roles</c> claim values and the policies built from them. Viewers may only read.</summary>
public static class Roles
{
    public const string Admin = "admin";
    public const string ProjectOwner = "project_owner";
    public const string PriorityManager = "priority_manager";
    public const string Viewer = "viewer";

    /// <summary>Every role a token may carry.</summary>
    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        Admin,
        ProjectOwner,
        PriorityManager,
        Viewer,
    };

    public const string ReadPolicy = "read";
    public const string WritePolicy = "write";
    public const string AdminPolicy = "admin";

    /// <summary>Changing a project's settings (the merge queue's): admins and project owners.</summary>
    public const string ConfigurePolicy = "configure";

    /// <summary>Setting a merge request's place in the merge queue: admins and priority managers.</summary>
    public const string PrioritisePolicy = "prioritise";

    public static readonly string[] Readers = [Admin, ProjectOwner, PriorityManager, Viewer];
    public static readonly string[] Writers = [Admin, ProjectOwner, PriorityManager];
    public static readonly string[] Configurers = [Admin, ProjectOwner];
    public static readonly string[] Prioritisers = [Admin, PriorityManager];
}
