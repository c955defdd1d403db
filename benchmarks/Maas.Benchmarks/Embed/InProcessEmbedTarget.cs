using Maas.Benchmarks.EndToEnd;
using Maas.Benchmarks.Load;

namespace Maas.Benchmarks.Embed;

/// <summary>
/// The in-process side of <c>embed</c> as a load target: an <see cref="InProcessEmbedder"/> called
/// back to back on the server's engine CPU (through a <see cref="PinnedWorker"/>), as
/// <see cref="InProcessLoadTarget"/> does for a bare model. One thread on that core: 16 workers
/// sharing the session there would only take turns at the same core, so back to back is their
/// throughput, and batching them is the only gain in-process has.
/// </summary>
internal sealed class InProcessEmbedTarget : ILoadTarget
{
    private readonly InProcessEmbedder _embedder;
    private readonly PinnedWorker? _cpu;

    public InProcessEmbedTarget(InProcessEmbedder embedder, PinnedWorker? cpu)
    {
        _embedder = embedder;
        _cpu = cpu;
    }

    public string Name => _embedder.Name;

    public bool UsesConcurrency => false;

    public LoadWindow Measure(int concurrency, double warmupSeconds, double windowSeconds) =>
        BackToBack.Measure(_embedder, _embedder.Rows, _cpu, warmupSeconds, windowSeconds);

    public void Dispose() => _embedder.Dispose();
}
