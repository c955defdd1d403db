using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Maas.Benchmarks.EndToEnd;

/// <summary>
/// A <c>maas serve</c> child process (or another HTTP server the benchmarks start), optionally
/// pinned to one CPU. It runs under a small shell watchdog that kills the server if this process
/// dies without cleaning up (even by SIGKILL); <see cref="Dispose"/> kills both.
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
    private int? _serverPid;

    private ServerProcess(Process process, Uri baseAddress, string name)
    {
        _process = process;
        BaseAddress = baseAddress;
        Name = name;
    }

    /// <summary>What runs, for messages (e.g. "maas serve").</summary>
    public string Name { get; }

    public Uri BaseAddress { get; }

    /// <summary>KServe v2 gRPC (HTTP/2 without TLS), when the server was started with it.</summary>
    public Uri? GrpcAddress { get; private set; }

    /// <summary>The dotnet process itself (the child of the watchdog shell), once started; null if not found.</summary>
    /// <remarks>The watchdog's other child is its polling <c>sleep</c>, so the child is picked by name.</remarks>
    public int? ServerPid => _serverPid ??= JitActivity.FindChild(_process.Id, "dotnet");

    /// <summary>The last lines the server printed (for errors).</summary>
    public string OutputTail => string.Join(Environment.NewLine, _output);

    /// <summary>
    /// Starts <c>dotnet &lt;maasDll&gt; serve</c> on <paramref name="repository"/> and a free loopback
    /// port, with KServe v2 gRPC on a second free port when <paramref name="grpc"/> is set.
    /// </summary>
    public static ServerProcess Start(string maasDll, string repository, int? cpu, bool echo, IEnumerable<KeyValuePair<string, string>> environment, bool grpc = false)
    {
        var grpcPort = grpc ? FreePort() : -1;
        var server = Start("maas serve", port => ["dotnet", maasDll, "serve", "-m", repository, "--http-port", port.ToString(CultureInfo.InvariantCulture), "--grpc-port", grpcPort.ToString(CultureInfo.InvariantCulture)], cpu, echo, environment);
        server.GrpcAddress = grpc ? new Uri($"http://127.0.0.1:{grpcPort}/") : null;
        return server;
    }

    /// <summary>
    /// Starts <paramref name="name"/>: the command that <paramref name="command"/> builds for a free
    /// loopback port (an HTTP server that listens on 127.0.0.1:port), under the watchdog, pinned to
    /// <paramref name="cpu"/> if given.
    /// </summary>
    public static ServerProcess Start(string name, Func<int, string[]> command, int? cpu, bool echo, IEnumerable<KeyValuePair<string, string>> environment)
    {
        ArgumentNullException.ThrowIfNull(command);
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
            .. command(port),
        ];
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (variable, value) in environment)
        {
            info.Environment[variable] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start /bin/sh for the server.");
        var server = new ServerProcess(process, new Uri($"http://127.0.0.1:{port}/"), name);
        process.OutputDataReceived += (_, e) => server.Keep(e.Data, echo);
        process.ErrorDataReceived += (_, e) => server.Keep(e.Data, echo);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    /// <summary>Waits until <c>/v2/health/ready</c> answers 200 (every model loaded).</summary>
    public void WaitReady(HttpClient client, TimeSpan timeout) => WaitReady(client, timeout, "v2/health/ready");

    /// <summary>Waits until GET <paramref name="path"/> answers 200.</summary>
    public void WaitReady(HttpClient client, TimeSpan timeout, string path)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode} before it was ready:{Environment.NewLine}{OutputTail}");
            }

            try
            {
                using var response = client.Send(new HttpRequestMessage(HttpMethod.Get, new Uri(BaseAddress, path)));
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

        throw new TimeoutException($"{Name} was not ready after {timeout.TotalSeconds:0} s:{Environment.NewLine}{OutputTail}");
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
