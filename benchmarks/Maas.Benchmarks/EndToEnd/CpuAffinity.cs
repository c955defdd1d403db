using System.Diagnostics;
using System.Globalization;

namespace Maas.Benchmarks.EndToEnd;

/// <summary>
/// CPU pinning through <c>taskset</c> (util-linux). A thread created later inherits the affinity of
/// the thread that creates it, so pinning every existing thread pins the process for good.
/// </summary>
internal static class CpuAffinity
{
    public static bool IsAvailable { get; } = OperatingSystem.IsLinux() && Run("taskset", "-V");

    /// <summary>Pins every thread of process <paramref name="pid"/> (and so its future threads) to <paramref name="cpu"/>.</summary>
    public static bool PinProcess(int pid, int cpu) =>
        Run("taskset", "-a", "-p", "-c", cpu.ToString(CultureInfo.InvariantCulture), pid.ToString(CultureInfo.InvariantCulture));

    /// <summary>Pins the calling thread only.</summary>
    public static bool PinCurrentThread(int cpu)
    {
        var tid = CurrentThreadId();
        return tid > 0 && Run("taskset", "-p", "-c", cpu.ToString(CultureInfo.InvariantCulture), tid.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>The CPUs this process may run on, as the kernel reports them (e.g. "1"); null off Linux.</summary>
    public static string? AllowedCpus()
    {
        if (!File.Exists("/proc/self/status"))
        {
            return null;
        }

        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal))
            {
                return line["Cpus_allowed_list:".Length..].Trim();
            }
        }

        return null;
    }

    // /proc/thread-self links to "<pid>/task/<tid>" for the thread that reads it.
    private static int CurrentThreadId()
    {
        var target = new FileInfo("/proc/thread-self").LinkTarget;
        return target is not null && int.TryParse(Path.GetFileName(target), NumberStyles.None, CultureInfo.InvariantCulture, out var tid) ? tid : -1;
    }

    private static bool Run(string file, params string[] args)
    {
        try
        {
            var info = new ProcessStartInfo(file)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var arg in args)
            {
                info.ArgumentList.Add(arg);
            }

            using var process = Process.Start(info)!;
            process.StandardOutput.ReadToEnd();
            process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
