using Maas.Benchmarks.EndToEnd;

namespace Maas.Benchmarks.Load;

/// <summary>
/// One measurement window of one target at one concurrency: the latencies of the calls that
/// completed in the window, rows per call (1 for a request, the batch size for an in-process
/// batch), CPU use of the server and of this process (in cores, over warm-up and window), how busy
/// the server's CPU was outside the server process (other work on the machine, and the kernel's
/// loopback networking), and the server's batching statistics for the window.
/// </summary>
internal sealed record LoadWindow(LatencyWindow Latency, int RowsPerCall, double? ServerCpu, double? ClientCpu, double? ServerCpuOthers, BatchStats? Batches)
{
    /// <summary>Inferences (rows) per second.</summary>
    public double Throughput => Latency.Count * (double)RowsPerCall / Latency.Seconds;

    /// <summary>Calls (requests, or in-process runs) per second.</summary>
    public double CallsPerSecond => Latency.Count / Latency.Seconds;

    /// <summary>Several windows as one: latencies pooled, CPU use averaged, batches summed.</summary>
    public static LoadWindow Pool(IReadOnlyList<LoadWindow> windows)
    {
        ArgumentOutOfRangeException.ThrowIfZero(windows.Count);
        return new LoadWindow(
            LatencyWindow.Pool(windows.Select(w => w.Latency)),
            windows[0].RowsPerCall,
            Mean(windows.Select(w => w.ServerCpu)),
            Mean(windows.Select(w => w.ClientCpu)),
            Mean(windows.Select(w => w.ServerCpuOthers)),
            BatchStats.Sum(windows.Select(w => w.Batches)));
    }

    private static double? Mean(IEnumerable<double?> values)
    {
        double sum = 0;
        var n = 0;
        foreach (var value in values)
        {
            if (value is not { } v)
            {
                return null;
            }

            sum += v;
            n++;
        }

        return n == 0 ? null : sum / n;
    }
}
