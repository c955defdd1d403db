using System.Globalization;

namespace Maas.Benchmarks.Load;

/// <summary>
/// CPU time a process has used (user + system, all threads), read from <c>/proc/&lt;pid&gt;/stat</c>.
/// Two readings around a window give the process's CPU use in cores: near 1.0 for a process pinned
/// to one CPU means that CPU was the bottleneck.
/// </summary>
internal static class ProcessCpu
{
    private const double ClockTicksPerSecond = 100; // USER_HZ on Linux.

    /// <summary>Seconds of CPU used so far by <paramref name="pid"/>; null when it is gone or off Linux.</summary>
    public static double? Seconds(int? pid)
    {
        if (pid is not { } id)
        {
            return null;
        }

        try
        {
            // Fields after "(comm) ": state ppid ... utime (14th field overall) stime (15th).
            var stat = File.ReadAllText($"/proc/{id}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / ClockTicksPerSecond;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>
    /// Seconds CPU <paramref name="cpu"/> has been busy (everything but idle and iowait: every
    /// process, the kernel, interrupts), from <c>/proc/stat</c>; null off Linux or when no CPU is given.
    /// </summary>
    public static double? BusySeconds(int? cpu)
    {
        if (cpu is not { } n || !File.Exists("/proc/stat"))
        {
            return null;
        }

        var prefix = string.Create(CultureInfo.InvariantCulture, $"cpu{n} ");
        foreach (var line in File.ReadLines("/proc/stat"))
        {
            if (!line.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            // cpuN user nice system idle iowait irq softirq steal guest guest_nice
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            long busy = 0;
            for (var i = 1; i < Math.Min(fields.Length, 9); i++)
            {
                if (i is not (4 or 5))
                {
                    busy += long.Parse(fields[i], CultureInfo.InvariantCulture);
                }
            }

            return busy / ClockTicksPerSecond;
        }

        return null;
    }

    /// <summary>CPU use in cores between two readings taken <paramref name="seconds"/> apart; null if either is missing.</summary>
    public static double? Between(double? before, double? after, double seconds) =>
        before is { } b && after is { } a && seconds > 0 ? (a - b) / seconds : null;
}
