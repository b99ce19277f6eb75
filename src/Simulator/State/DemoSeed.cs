using GitLabBus.Simulator.Git;

namespace GitLabBus.Simulator.State;

/// <summary>
/// The demo world: group <c>demo</c> with epics and labels, project <c>demo/shop</c> (id 1, default branch <c>main</c>) with labels,
/// issues (some in epics), a small app in a real repository, feature branches with real commits, merge requests (!2 and
/// !3 change the same lines of <c>src/checkout.py</c>, !1 other lines of it) and a finished pipeline.
/// </summary>
public static class DemoSeed
{
    public static void Apply(SimStore store)
    {
        store.Reset();
        var now = store.Now;
        var group = new SimGroup
        {
            Id = 1,
            Name = "demo",
            Path = "demo",
            FullPath = "demo",
            Description = "GitLabBus demo group",
        };
        store.Groups.Add(group);
        var project = store.NewProject(1, "shop", group, "A demo web shop");
        store.Projects.Add(project);
        store.NewId();
        AddPeople(store, project);
        var main = store.SeedBranch(project, "main", null, "Initial commit\n", DemoFiles.Initial);
        main.Protected = true;

        foreach (var (name, color) in new[] { ("bug", "#d9534f"), ("feature", "#428bca"), ("backend", "#5cb85c"), ("frontend", "#f0ad4e") })
        {
            group.Labels.Add(
                new SimLabel
                {
                    Id = store.NewId(),
                    Name = name,
                    Color = color,
                }
            );
        }

        project.Labels.Add(
            new SimLabel
            {
                Id = store.NewId(),
                Name = "priority::high",
                Color = "#cc0033",
            }
        );

        var checkout = Epic(store, group, 1, "Checkout overhaul", "Make checkout faster and safer", ["feature"]);
        var catalog = Epic(store, group, 2, "Catalog search", "Find products by name and tag", ["feature", "backend"]);
        Epic(store, group, 3, "Accessibility", "WCAG 2.2 AA across the shop", ["frontend"]);

        Issue(store, project, "Cart total ignores discounts", ["bug", "backend"], checkout.Id);
        Issue(store, project, "Add express checkout button", ["feature", "frontend"], checkout.Id);
        Issue(store, project, "Checkout page slow on mobile", ["bug", "frontend", "priority::high"], checkout.Id);
        Issue(store, project, "Search products by tag", ["feature", "backend"], catalog.Id);
        Issue(store, project, "Typo-tolerant product search", ["feature", "backend"], catalog.Id);
        Issue(store, project, "Product images missing alt text", ["bug", "frontend"], null);
        var closed = Issue(store, project, "Update README with setup steps", [], null);
        closed.State = "closed";
        closed.ClosedAt = now;

        store.SeedBranch(project, "fix-cart-discounts", main, "Apply discounts to the cart total\n", DemoFiles.CartDiscounts);
        store.SeedBranch(project, "express-checkout", main, "Add an express checkout button\n", DemoFiles.ExpressCheckout);
        store.SeedBranch(project, "checkout-speedup", main, "Cache the shipping quote\n", DemoFiles.CheckoutSpeedup);
        store.OpenMergeRequest(
            project,
            "fix-cart-discounts",
            "main",
            "Apply discounts to the cart total",
            "Closes #1",
            ["bug", "backend"],
            store.Root.Id
        );
        store.OpenMergeRequest(
            project,
            "express-checkout",
            "main",
            "Express checkout button",
            "Closes #2",
            ["feature", "frontend"],
            store.Root.Id
        );
        store.OpenMergeRequest(
            project,
            "checkout-speedup",
            "main",
            "Draft: Speed up the checkout page",
            "Changes the same lines of src/checkout.py as !2",
            ["frontend"],
            store.Root.Id
        );

        store.CreatePipeline(project, "main", "push", null, null);

        // The demo starts as a project at rest: the main line's and the merge requests' pipelines have passed (the merge
        // requests are ready to queue), and no job hook of theirs fills the first minute of the gateway's log.
        foreach (var pipeline in store.Pipelines.Where(pipeline => pipeline.ProjectId == project.Id && !SimStore.IsFinal(pipeline.Status)))
        {
            Passed(pipeline, now);
        }

        SeedFreeTier(store);
    }

    private static void Passed(SimPipeline pipeline, DateTimeOffset now)
    {
        foreach (var job in pipeline.Jobs)
        {
            job.Status = "success";
            job.QueuedAt = job.StartedAt = now;
            job.FinishedAt = now + job.Duration;
            job.Trace.Append($"$ ./{job.Name}.sh\n{job.Name}: done\nJob succeeded\n");
        }

        pipeline.Status = "success";
        pipeline.StartedAt = now;
        pipeline.FinishedAt = now + TimeSpan.FromSeconds(30);
    }

    /// <summary>Group <c>community</c> on a free tier: GitLab serves it no epics (403), so its project's backlog is issues only.</summary>
    private static void SeedFreeTier(SimStore store)
    {
        var group = new SimGroup
        {
            Id = store.NewId(),
            Name = "community",
            Path = "community",
            FullPath = "community",
            EpicsEnabled = false,
            Description = "A group without epics",
        };
        store.Groups.Add(group);
        var project = store.NewProject(2, "plugins", group, "Community plugins");
        store.Projects.Add(project);
        var readme = new FileAction("create", "README.md", Content: "# Plugins\n\nCommunity plugins for the shop.\n");
        store.SeedBranch(project, "main", null, "Initial commit\n", [readme]).Protected = true;
        Issue(store, project, "Plugin loader crashes on empty config", ["bug"], null);
        Issue(store, project, "Document the plugin API", [], null);
    }

    private static SimEpic Epic(SimStore store, SimGroup group, long iid, string title, string description, List<string> labels)
    {
        var epic = new SimEpic
        {
            Id = store.NewId(),
            Iid = iid,
            GroupId = group.Id,
            Title = title,
            Description = description,
            Labels = labels,
            AuthorId = store.Root.Id,
            CreatedAt = store.Now,
            UpdatedAt = store.Now,
        };
        store.Epics.Add(epic);
        return epic;
    }

    private static SimIssue Issue(SimStore store, SimProject project, string title, List<string> labels, long? epicId)
    {
        var issue = new SimIssue
        {
            Id = store.NewId(),
            Iid = project.NextIssueIid++,
            ProjectId = project.Id,
            Title = title,
            Description = $"{title}.",
            Labels = labels,
            EpicId = epicId,
            AuthorId = store.Root.Id,
            CreatedAt = store.Now,
            UpdatedAt = store.Now,
        };
        store.Issues.Add(issue);
        return issue;
    }

    /// <summary>
    /// Besides root: the service's own user <c>gitlabbus-bot</c> (a Maintainer, whose token the embedded gateway uses) and a
    /// person, <c>alice</c> (a Developer), so that "the service's own notes" and "Developer access" mean something.
    /// </summary>
    private static void AddPeople(SimStore store, SimProject project)
    {
        var bot = store.AddUser(SimulatorOptions.BotUsername, "GitLabBus", "gitlabbus-bot@example.com", bot: true);
        store.AddToken(bot, "gitlabbus", ["api"], value: SimulatorOptions.BotToken);
        store.AddMember(project, bot, SimAccessLevel.Maintainer);
        var alice = store.AddUser(SimulatorOptions.DeveloperUsername, "Alice Example", "alice@example.com");
        store.AddToken(alice, "alice", ["api"], value: SimulatorOptions.DeveloperToken);
        store.AddMember(project, alice, SimAccessLevel.Developer);
    }
}
