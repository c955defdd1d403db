using System.Diagnostics;
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

    public LoadWindow Measure(int concurrency, double warmupSeconds, double windowSeconds)
    {
        LatencyWindow Run()
        {
            if (warmupSeconds > 0)
            {
                LatencyWindow.Measure(_embedder, warmupSeconds, 1, warmupSeconds);
            }

            return LatencyWindow.Measure(_embedder, windowSeconds, 3, Math.Max(windowSeconds, 30));
        }

        var selfBefore = ProcessCpu.Seconds(Environment.ProcessId);
        var busyBefore = ProcessCpu.BusySeconds(_cpu?.Cpu);
        var begin = Stopwatch.GetTimestamp();
        var latency = _cpu is null ? Run() : _cpu.Run(Run);
        var elapsed = Stopwatch.GetElapsedTime(begin).TotalSeconds;
        // This process does nothing else meanwhile, so its CPU is the embedder thread's.
        var engine = ProcessCpu.Between(selfBefore, ProcessCpu.Seconds(Environment.ProcessId), elapsed);
        var busy = ProcessCpu.Between(busyBefore, ProcessCpu.BusySeconds(_cpu?.Cpu), elapsed);
        return new LoadWindow(latency, _embedder.Rows, engine, null, busy is { } b && engine is { } e ? Math.Max(0, b - e) : null, null);
    }

    public void Dispose() => _embedder.Dispose();
}
