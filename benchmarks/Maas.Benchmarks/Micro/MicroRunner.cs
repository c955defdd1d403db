using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Maas.Benchmarks.Micro;

/// <summary>
/// Runs the BenchmarkDotNet suite. The default job is short (1 launch, 3 warm-ups, 3 iterations),
/// in-process, so the whole suite takes a few minutes on 2 cores; BenchmarkDotNet's own options
/// (<c>--filter</c>, <c>--job</c>, <c>--list flat</c>, ...) pass through.
/// </summary>
internal static class MicroRunner
{
    public static int Run(string[] args)
    {
        var list = new List<string>(args);
        // Out of process is slower to start (a build per run) but isolates each benchmark.
        var outOfProcess = list.Remove("--out-of-process");
        if (!list.Contains("--filter") && !list.Contains("-f") && !list.Contains("--list"))
        {
            // Without a filter BenchmarkDotNet asks interactively; run everything instead.
            list.AddRange(["--filter", "*"]);
        }

        var job = Job.ShortRun;
        if (!outOfProcess)
        {
            job = job.WithToolchain(InProcessEmitToolchain.Instance);
        }

        var config = ManualConfig.Create(DefaultConfig.Instance).AddJob(job.AsDefault());
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(MicroRunner).Assembly).Run([.. list], config);
        foreach (var summary in summaries)
        {
            if (summary.HasCriticalValidationErrors || summary.Reports.Any(r => !r.Success))
            {
                return 1;
            }
        }

        return 0;
    }
}
