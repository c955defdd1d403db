using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Maas.Benchmarks.EndToEnd;

/// <summary>
/// A <c>maas serve</c> child process, optionally pinned to one CPU. It runs under a small shell
/// watchdog that kills the server if this process dies without cleaning up (even by SIGKILL);
/// <see cref="Dispose"/> kills both.
/// </summary>
internal sealed class ServerProcess : IDisposable
{
    // $1 = our pid, $2 = cpu or "-", then the server command. Polls every 0.5 s: negligible load.
    private const string Watchdog = """
        bench=$1; cpu=$2; shift 2
        if [ "$cpu" = "-" ]; then "$@" & else taskset -c "$cpu" "$@" & fi
        child=$!
        trap 'kill $child 2>/dev/null; exit 0' TERM INT HUP
        while kill -0 "$bench" 2>/dev/null && kill -0 "$child" 2>/dev/null; do sleep 0.5; done
        kill "$child" 2>/dev/null
        wait "$child"
        """;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private int _disposed;

    private ServerProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>The dotnet process itself (the child of the watchdog shell), once started; null if not found.</summary>
    public int? ServerPid => JitActivity.FindChild(_process.Id);

    /// <summary>The last lines the server printed (for errors).</summary>
    public string OutputTail => string.Join(Environment.NewLine, _output);

    public static ServerProcess Start(string maasDll, string repository, int? cpu, bool echo, IEnumerable<KeyValuePair<string, string>> environment)
    {
        var port = FreePort();
        var info = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] args =
        [
            "-c", Watchdog, "maas-bench-watchdog",
            Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
            cpu?.ToString(CultureInfo.InvariantCulture) ?? "-",
            "dotnet", maasDll, "serve", "-m", repository, "--http-port", port.ToString(CultureInfo.InvariantCulture),
        ];
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start /bin/sh for the server.");
        var server = new ServerProcess(process, new Uri($"http://127.0.0.1:{port}/"));
        process.OutputDataReceived += (_, e) => server.Keep(e.Data, echo);
        process.ErrorDataReceived += (_, e) => server.Keep(e.Data, echo);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    /// <summary>Waits until <c>/v2/health/ready</c> answers 200 (every model loaded).</summary>
    public void WaitReady(HttpClient client, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"maas serve exited with code {_process.ExitCode} before it was ready:{Environment.NewLine}{OutputTail}");
            }

            try
            {
                using var response = client.Send(new HttpRequestMessage(HttpMethod.Get, new Uri(BaseAddress, "v2/health/ready")));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            Thread.Sleep(100);
        }

        throw new TimeoutException($"maas serve was not ready after {timeout.TotalSeconds:0} s:{Environment.NewLine}{OutputTail}");
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }

    private void Keep(string? line, bool echo)
    {
        if (line is null)
        {
            return;
        }

        if (echo)
        {
            Console.WriteLine($"  [maas] {line}");
        }

        _output.Enqueue(line);
        while (_output.Count > 40)
        {
            _output.TryDequeue(out _);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
