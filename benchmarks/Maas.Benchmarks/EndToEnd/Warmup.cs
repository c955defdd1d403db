using System.Diagnostics;

namespace Maas.Benchmarks.EndToEnd;

/// <summary>
/// Runs every target in turn until neither the server's nor this process's JIT is still tiering
/// methods up (see <see cref="JitActivity"/>): three one-second cycles in a row in which both
/// tiering threads together used at most 20 ms of CPU.
/// </summary>
internal static class Warmup
{
    private const double QuietCpuSeconds = 0.02;
    private const int QuietCycles = 3;

    /// <summary>Returns the seconds it took, or null when it hit <paramref name="maxSeconds"/> first.</summary>
    public static double? UntilJitSettles(IReadOnlyList<ITarget> targets, PinnedWorker? engineCpu, int? serverPid, double maxSeconds, Func<bool> cancelled)
    {
        var calls = targets.Select(t => Scenario.TimedCall(t, engineCpu)).ToArray();
        var start = Stopwatch.GetTimestamp();
        var lastServer = serverPid is { } p ? JitActivity.CpuSeconds(p) : 0;
        var lastSelf = JitActivity.CpuSeconds(Environment.ProcessId);
        var quiet = 0;
        var nextReport = 5.0;
        while (!cancelled())
        {
            var cycle = Stopwatch.GetTimestamp();
            do
            {
                foreach (var call in calls)
                {
                    call();
                }
            }
            while (Stopwatch.GetElapsedTime(cycle).TotalSeconds < 1);

            var server = serverPid is { } pid ? JitActivity.CpuSeconds(pid) : 0;
            var self = JitActivity.CpuSeconds(Environment.ProcessId);
            var busy = server - lastServer + (self - lastSelf);
            (lastServer, lastSelf) = (server, self);
            quiet = busy <= QuietCpuSeconds ? quiet + 1 : 0;
            var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
            if (quiet >= QuietCycles)
            {
                Console.WriteLine($"   JIT settled after {elapsed:0} s of load (server tiering thread: {server:0.00} s of CPU in all)");
                return elapsed;
            }

            if (elapsed >= nextReport)
            {
                Console.WriteLine($"   warming up: {elapsed:0} s, JIT busy {busy * 1000:0} ms in the last second");
                nextReport += 5;
            }

            if (elapsed >= maxSeconds)
            {
                Console.WriteLine($"   JIT still busy after {elapsed:0} s (--jit-settle-max); measuring anyway");
                return null;
            }
        }

        return null;
    }
}
