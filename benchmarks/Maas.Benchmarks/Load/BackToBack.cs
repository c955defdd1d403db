using System.Diagnostics;
using Maas.Benchmarks.EndToEnd;

namespace Maas.Benchmarks.Load;

/// <summary>
/// One load window of an in-process target called back to back on one thread (pinned to the
/// server's engine CPU when a <see cref="PinnedWorker"/> is given), with the CPU it took.
/// </summary>
internal static class BackToBack
{
    public static LoadWindow Measure(ITarget target, int rows, PinnedWorker? cpu, double warmupSeconds, double windowSeconds)
    {
        LatencyWindow Run()
        {
            if (warmupSeconds > 0)
            {
                LatencyWindow.Measure(target, warmupSeconds, 1, warmupSeconds);
            }

            return LatencyWindow.Measure(target, windowSeconds, 3, Math.Max(windowSeconds, 30));
        }

        var selfBefore = ProcessCpu.Seconds(Environment.ProcessId);
        var busyBefore = ProcessCpu.BusySeconds(cpu?.Cpu);
        var begin = Stopwatch.GetTimestamp();
        var latency = cpu is null ? Run() : cpu.Run(Run);
        var elapsed = Stopwatch.GetElapsedTime(begin).TotalSeconds;
        // This process does nothing else meanwhile, so its CPU is the target's thread's; what the
        // core did beyond that is other processes' interference.
        var engine = ProcessCpu.Between(selfBefore, ProcessCpu.Seconds(Environment.ProcessId), elapsed);
        var busy = ProcessCpu.Between(busyBefore, ProcessCpu.BusySeconds(cpu?.Cpu), elapsed);
        return new LoadWindow(latency, rows, engine, null, busy is { } b && engine is { } e ? Math.Max(0, b - e) : null, null);
    }
}
