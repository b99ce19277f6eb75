using System.Reflection;
using GitLabBus.Consumers;
using GitLabBus.Contracts;
using GitLabBus.GitLab;
using GitLabBus.Runtime.Bus;
using GitLabBus.Sagas;
using GitLabBus.Simulator;
using NetArchTest.Rules;

namespace GitLabBus.Tests.Architecture;

/// <summary>
/// DESIGN.md's dependency rules, read off the compiled assemblies. A failure names the types that break the rule; the fix
/// is to move the code to the place that owns it, or to go through the bus, never to widen the rule.
/// </summary>
public sealed class When_the_dependency_rules_are_checked
{
    private static readonly Assembly Contracts = typeof(ErrorCodes).Assembly;
    private static readonly Assembly GitLab = typeof(GitLabClient).Assembly;
    private static readonly Assembly Runtime = typeof(BusRegistration).Assembly;
    private static readonly Assembly Consumers = typeof(ConsumersRole).Assembly;
    private static readonly Assembly Sagas = typeof(SagasRole).Assembly;
    private static readonly Assembly Gateway = typeof(Program).Assembly;
    private static readonly Assembly Simulator = typeof(SimulatorApp).Assembly;

    private static readonly string[] Ours =
    [
        "GitLabBus.Contracts",
        "GitLabBus.GitLab",
        "GitLabBus.Runtime",
        "GitLabBus.Consumers",
        "GitLabBus.Sagas",
        "GitLabBus.Gateway",
        "GitLabBus.Simulator",
    ];

    /// <summary>The capabilities' names: folders of the hosts, never of Runtime.</summary>
    private static readonly string[] Capabilities =
    [
        "Webhooks",
        "Backlog",
        "Embeddings",
        "Pipelines",
        "MergeQueue",
        "Reviews",
        "Identity",
        "GitLab",
        "GitLabAccess",
    ];

    [Fact]
    public void Contracts_should_depend_on_nothing_of_ours() =>
        AssertHolds(Types.InAssembly(Contracts).ShouldNot().HaveDependencyOnAny(Except(Ours, "GitLabBus.Contracts")).GetResult());

    [Fact]
    public void The_gitlab_client_should_depend_on_nothing_of_ours() =>
        AssertHolds(Types.InAssembly(GitLab).ShouldNot().HaveDependencyOnAny(Except(Ours, "GitLabBus.GitLab")).GetResult());

    [Fact]
    public void Runtime_should_hold_plumbing_only()
    {
        AssertHolds(
            Types
                .InAssembly(Runtime)
                .ShouldNot()
                .HaveDependencyOnAny(
                    "GitLabBus.GitLab",
                    "GitLabBus.Consumers",
                    "GitLabBus.Sagas",
                    "GitLabBus.Gateway",
                    "GitLabBus.Simulator"
                )
                .GetResult()
        );
        var capabilityNamespaces = Runtime
            .GetTypes()
            .Select(type => type.Namespace ?? "")
            .Where(name => Capabilities.Any(capability => name.Split('.').Contains(capability)))
            .Distinct();
        Assert.Empty(capabilityNamespaces);
    }

    [Fact]
    public void The_gateway_should_use_no_gitlab_client_type() =>
        AssertHolds(Types.InAssembly(Gateway).ShouldNot().HaveDependencyOn("GitLabBus.GitLab").GetResult());

    [Fact]
    public void The_gateway_should_reach_consumers_and_sagas_only_through_their_registration()
    {
        AssertHolds(
            Types
                .InAssembly(Gateway)
                .That()
                .ResideInNamespaceStartingWith("GitLabBus.Gateway")
                .ShouldNot()
                .HaveDependencyOnAny("GitLabBus.Consumers", "GitLabBus.Sagas")
                .GetResult()
        );

        // Program's two registration calls are the only way in: AddConsumersRole and AddSagasRole.
        var beyondRegistration = PublicTypesOf(Consumers, typeof(ConsumersRole)).Concat(PublicTypesOf(Sagas, typeof(SagasRole))).ToArray();
        AssertHolds(
            Types
                .InAssembly(Gateway)
                .That()
                .DoNotResideInNamespaceStartingWith("GitLabBus")
                .ShouldNot()
                .HaveDependencyOnAny(beyondRegistration)
                .GetResult()
        );
    }

    [Fact]
    public void Sagas_should_orchestrate_without_calling_gitlab() =>
        AssertHolds(
            Types
                .InAssembly(Sagas)
                .ShouldNot()
                .HaveDependencyOnAny("GitLabBus.GitLab", "GitLabBus.Consumers", "GitLabBus.Gateway")
                .GetResult()
        );

    [Fact]
    public void Consumers_should_not_reach_into_sagas_or_the_gateway() =>
        AssertHolds(Types.InAssembly(Consumers).ShouldNot().HaveDependencyOnAny("GitLabBus.Sagas", "GitLabBus.Gateway").GetResult());

    [Fact]
    public void Only_hosts_should_reference_the_simulator()
    {
        var name = Simulator.GetName().Name;
        var referencing = new[] { Contracts, GitLab, Runtime, Consumers, Sagas }
            .Where(assembly => assembly.GetReferencedAssemblies().Any(reference => reference.Name == name))
            .Select(assembly => assembly.GetName().Name);
        Assert.Empty(referencing);
    }

    /// <summary>API-only (DESIGN): the services never touch a repository themselves; git is the simulator's, to play GitLab.</summary>
    [Fact]
    public void Only_the_simulator_should_use_git()
    {
        var usingGit = new[] { Contracts, GitLab, Runtime, Consumers, Sagas, Gateway }
            .Where(assembly => assembly.GetReferencedAssemblies().Any(reference => reference.Name == "LibGit2Sharp"))
            .Select(assembly => assembly.GetName().Name);
        Assert.Empty(usingGit);
        Assert.Contains(Simulator.GetReferencedAssemblies(), reference => reference.Name == "LibGit2Sharp");
    }

    [Fact]
    public void The_simulator_should_depend_on_nothing_of_ours() =>
        AssertHolds(Types.InAssembly(Simulator).ShouldNot().HaveDependencyOnAny(Except(Ours, "GitLabBus.Simulator")).GetResult());

    private static string[] Except(string[] all, string own) => [.. all.Where(name => name != own)];

    private static IEnumerable<string> PublicTypesOf(Assembly assembly, Type allowed) =>
        assembly.GetExportedTypes().Where(type => type != allowed).Select(type => type.FullName!);

    private static void AssertHolds(TestResult result) =>
        Assert.True(result.IsSuccessful, "broken by: " + string.Join(", ", result.FailingTypeNames ?? []));
}
