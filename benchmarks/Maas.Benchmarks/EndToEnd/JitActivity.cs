using System.Globalization;

namespace Maas.Benchmarks.EndToEnd;

/// <summary>
/// CPU time spent by a .NET process's tiered-compilation thread, read from /proc. On one core the
/// JIT's background thread competes with requests for tens of seconds after start (hundreds of
/// methods move tier0 → instrumented → tier1 while each request is slow), so a warm-up that stops
/// by the clock measures the JIT, not the server. Warm-up runs until this stops growing.
/// </summary>
internal static class JitActivity
{
    // comm is cut to 15 characters: ".NET Tiered Compilation Worker" reads ".NET Tiered Com".
    private const string TieredThread = ".NET Tiered Com";
    private const double ClockTicksPerSecond = 100; // USER_HZ on Linux.

    /// <summary>Seconds of CPU the JIT's tiering thread of <paramref name="pid"/> has used; 0 when it is gone or off Linux.</summary>
    public static double CpuSeconds(int pid)
    {
        var tasks = $"/proc/{pid}/task";
        if (!Directory.Exists(tasks))
        {
            return 0;
        }

        long ticks = 0;
        foreach (var task in Directory.EnumerateDirectories(tasks))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).TrimEnd() != TieredThread)
                {
                    continue;
                }

                // Fields after "(comm) ": state ppid ... utime (14th field overall) stime (15th).
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // The thread ended between listing and reading.
            }
        }

        return ticks / ClockTicksPerSecond;
    }

    /// <summary>The id of a child process of <paramref name="parentPid"/> (named <paramref name="name"/>, when given), or null.</summary>
    public static int? FindChild(int parentPid, string? name = null)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                // stat is "pid (comm) state ppid ...".
                var open = stat.IndexOf('(', StringComparison.Ordinal);
                if (int.Parse(fields[1], CultureInfo.InvariantCulture) == parentPid
                    && (name is null || stat.AsSpan(open + 1, stat.LastIndexOf(')') - open - 1).SequenceEqual(name)))
                {
                    return pid;
                }
            }
            catch (IOException)
            {
                // Gone.
            }
        }

        return null;
    }
}
