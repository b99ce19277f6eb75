using System.Runtime.CompilerServices;

namespace GitLabBus.Tests.TestSupport;

/// <summary>
/// Test processes start several hosts at once (gateway, consumers, sagas, probes), each with a bus and a Redis
/// multiplexer that complete on the thread pool. Starting with enough threads keeps the pool's slow ramp-up
/// from turning into Redis or broker time-outs that no real deployment (one host per process) would see.
/// </summary>
internal static class TestProcessSetup
{
#pragma warning disable CA2255 // a test assembly has no entry point of its own to do this from
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void GrowThreadPool()
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 64), Math.Max(io, 64));
    }
}
