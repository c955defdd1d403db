using System.Diagnostics;
using System.Globalization;
using Maas.Benchmarks.EndToEnd;
using Maas.Benchmarks.Payloads;

namespace Maas.Benchmarks.Load;

/// <summary>
/// Closed-loop HTTP load: N loops on this process's thread pool, each sending its next request as
/// soon as the previous one is answered and read to the end. Bodies are built once; each request
/// wraps the same bytes (no copy), so the client's cost per request is HttpClient's own — or, with
/// the raw client (one thread per loop, blocking calls), one send of pre-serialized bytes and the
/// reads of the answer.
/// </summary>
/// <remarks>
/// A call counts in the window when its answer arrives inside it, whenever it was sent (as Triton's
/// perf_analyzer counts); throughput is those calls over the window's length. Any status other
/// than 2xx stops the run: a benchmark of error answers measures nothing.
/// </remarks>
internal sealed class HttpLoadTarget : ILoadTarget
{
    private readonly HttpClient _client;
    private readonly Uri _uri;
    private readonly byte[]?[] _bodies;
    private readonly string _contentType;
    private readonly string? _headerLength;
    private readonly Func<int?> _serverPid;
    private readonly int? _serverCpuIndex;
    private readonly Func<BatchStats?>? _readStats;
    private readonly byte[][]? _rawRequests;

    /// <summary>
    /// <paramref name="raw"/>: each loop uses its own <see cref="RawHttpConnection"/> instead of
    /// <paramref name="client"/> (which still reads the server's statistics).
    /// </summary>
    public HttpLoadTarget(string name, HttpClient client, Uri uri, byte[]? body, string contentType, int? jsonLength, Func<int?> serverPid, int? serverCpu, Func<BatchStats?>? readStats, bool raw)
        : this(name, client, uri, [body], contentType, jsonLength, serverPid, serverCpu, readStats, raw)
    {
    }

    private HttpLoadTarget(string name, HttpClient client, Uri uri, IReadOnlyList<byte[]?> bodies, string contentType, int? jsonLength, Func<int?> serverPid, int? serverCpu, Func<BatchStats?>? readStats, bool raw)
    {
        ArgumentOutOfRangeException.ThrowIfZero(bodies.Count);
        _serverCpuIndex = serverCpu;
        Name = name;
        _client = client;
        _uri = uri;
        _bodies = [.. bodies];
        _contentType = contentType;
        _headerLength = jsonLength?.ToString(CultureInfo.InvariantCulture);
        _serverPid = serverPid;
        _readStats = readStats;
        if (raw)
        {
            _rawRequests = new byte[_bodies.Length][];
            for (var b = 0; b < _bodies.Length; b++)
            {
                var body = _bodies[b];
                var headers = new List<KeyValuePair<string, string>>();
                if (body is not null)
                {
                    headers.Add(new("Content-Type", contentType));
                }

                if (_headerLength is not null)
                {
                    headers.Add(new(KServeBodies.HeaderLengthHeader, _headerLength));
                }

                _rawRequests[b] = RawHttpConnection.Serialize(body is null ? "GET" : "POST", uri, headers, body);
            }
        }
    }

    public string Name { get; }

    public bool UsesConcurrency => true;

    /// <summary>
    /// POSTs of several bodies: loop <c>i</c> sends <c>bodies[i % bodies.Count]</c> every time (e.g.
    /// one sentence per client), so each body is still built once.
    /// </summary>
    public static HttpLoadTarget PerLoop(string name, HttpClient client, Uri uri, IReadOnlyList<byte[]> bodies, string contentType, Func<int?> serverPid, int? serverCpu, Func<BatchStats?>? readStats, bool raw) =>
        new(name, client, uri, [.. bodies], contentType, null, serverPid, serverCpu, readStats, raw);

    /// <summary>A target for KServe binary infer requests of <paramref name="payload"/> to model <paramref name="model"/>.</summary>
    public static HttpLoadTarget Infer(string name, HttpClient client, ServerProcess server, int? serverCpu, string model, ModelPayload payload, bool raw)
    {
        var body = KServeBodies.Binary(payload, out var jsonLength);
        return new HttpLoadTarget(
            name,
            client,
            new Uri(server.BaseAddress, $"v2/models/{model}/infer"),
            body,
            "application/octet-stream",
            jsonLength,
            () => server.ServerPid,
            serverCpu,
            () => BatchStats.Read(client, server.BaseAddress, model),
            raw);
    }

    public LoadWindow Measure(int concurrency, double warmupSeconds, double windowSeconds) =>
        MeasureAsync(concurrency, warmupSeconds, windowSeconds).GetAwaiter().GetResult();

    public void Dispose()
    {
        // Nothing owned: the client belongs to the command.
    }

    private async Task<LoadWindow> MeasureAsync(int concurrency, double warmupSeconds, double windowSeconds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        var pid = _serverPid();
        var serverBefore = ProcessCpu.Seconds(pid);
        var clientBefore = ProcessCpu.Seconds(Environment.ProcessId);
        var busyBefore = ProcessCpu.BusySeconds(_serverCpuIndex);
        var begin = Stopwatch.GetTimestamp();
        var start = begin + (long)(warmupSeconds * Stopwatch.Frequency);
        var end = start + (long)(windowSeconds * Stopwatch.Frequency);
        var statsBefore = (BatchStats?)null;
        var statsTask = _readStats is null ? null : Task.Run(async () =>
        {
            // The snapshot that opens the window, taken off the loops' path.
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), start);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            statsBefore = _readStats();
        });

        var loops = new Task<List<long>>[concurrency];
        for (var i = 0; i < loops.Length; i++)
        {
            var body = i % _bodies.Length;
            loops[i] = _rawRequests is null
                ? Task.Run(() => LoopAsync(_bodies[body], start, end))
                : Task.Factory.StartNew(() => RawLoop(_rawRequests[body], start, end), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }

        var samples = await Task.WhenAll(loops);
        var finished = Stopwatch.GetTimestamp();
        var serverAfter = ProcessCpu.Seconds(pid);
        var clientAfter = ProcessCpu.Seconds(Environment.ProcessId);
        var busyAfter = ProcessCpu.BusySeconds(_serverCpuIndex);
        if (statsTask is not null)
        {
            await statsTask;
        }

        var statsAfter = _readStats?.Invoke();
        var all = new List<long>();
        foreach (var loop in samples)
        {
            all.AddRange(loop);
        }

        var elapsed = (double)(finished - begin) / Stopwatch.Frequency;
        var server = ProcessCpu.Between(serverBefore, serverAfter, elapsed);
        var busy = ProcessCpu.Between(busyBefore, busyAfter, elapsed);
        return new LoadWindow(
            new LatencyWindow([.. all], windowSeconds),
            1,
            server,
            ProcessCpu.Between(clientBefore, clientAfter, elapsed),
            busy is { } b && server is { } s ? Math.Max(0, b - s) : null,
            BatchStats.Between(statsBefore, statsAfter));
    }

    private async Task<List<long>> LoopAsync(byte[]? body, long start, long end)
    {
        var samples = new List<long>(4096);
        var sink = new byte[64 * 1024];
        while (true)
        {
            var t0 = Stopwatch.GetTimestamp();
            await SendAsync(body, sink);
            if (Record(samples, t0, start, end))
            {
                return samples;
            }
        }
    }

    // On its own thread (LongRunning): blocking calls on one connection.
    private List<long> RawLoop(byte[] request, long start, long end)
    {
        var samples = new List<long>(4096);
        using var connection = RawHttpConnection.Open(_uri, request);
        while (true)
        {
            var t0 = Stopwatch.GetTimestamp();
            var status = connection.RoundTrip();
            if (status is < 200 or > 299)
            {
                throw new HttpRequestException($"{Name}: {status} from {_uri}");
            }

            if (Record(samples, t0, start, end))
            {
                return samples;
            }
        }
    }

    // Keeps the call's latency when its answer arrived in the window; true once the window is over.
    private static bool Record(List<long> samples, long t0, long start, long end)
    {
        var t1 = Stopwatch.GetTimestamp();
        if (t1 >= end)
        {
            return true;
        }

        if (t1 >= start)
        {
            samples.Add(t1 - t0);
        }

        return false;
    }

    private async Task SendAsync(byte[]? body, byte[] sink)
    {
        using var request = new HttpRequestMessage(body is null ? HttpMethod.Get : HttpMethod.Post, _uri);
        if (body is not null)
        {
            // Wraps the shared bytes without copying; disposed with the request.
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.TryAddWithoutValidation("Content-Type", _contentType);
        }

        if (_headerLength is not null)
        {
            request.Headers.TryAddWithoutValidation(KServeBodies.HeaderLengthHeader, _headerLength);
        }

        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{Name}: {(int)response.StatusCode} {response.ReasonPhrase} from {_uri}");
        }

        await using var stream = await response.Content.ReadAsStreamAsync();
        while (await stream.ReadAsync(sink) > 0)
        {
        }
    }
}
