using System.Collections.Concurrent;
using System.Diagnostics;
using Maas.Client;
using Maas.Client.Http;
using Maas.EndToEnd.Tests.Support;
using Maas.Server;
using Maas.TestModels;

namespace Maas.EndToEnd.Tests;

/// <summary>
/// The operator's story, on a real server under continuous load with hot reload: publish version
/// N+1 with 10% of the traffic, promote it, roll it back, retire it — and no request fails at any
/// step. Changes are written the safe way (a folder renamed into place, config.json replaced by
/// rename), polled every 0.2 s.
/// </summary>
public sealed class CanaryRolloutTests : IAsyncLifetime
{
    private readonly TestRepository _repository = new();
    private LoopbackServer _server = null!;

    public async Task InitializeAsync()
    {
        _repository.AddModel("cnn", 1, TestModelFactory.SmallConvNet(seed: 1));
        WriteConfig("""{"version_policy": {"all": {}}, "traffic": {"1": 100}}""");
        _server = await LoopbackServer.StartAsync(_repository.Root, adjust: o => o with { ModelControlMode = ModelControlMode.Poll, RepositoryPollSeconds = 0.2 });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _repository.Dispose();
    }

    [Fact]
    public async Task PublishCanaryPromoteRollBackAndRetire_UnderLoad_WithoutAFailedRequest()
    {
        await using var load = new ClosedLoop(_server.Address, clients: 4);

        // 1. Version 2 arrives with 10% of the traffic.
        WriteConfig("""{"version_policy": {"all": {}}, "traffic": {"1": 90, "2": 10}}""");
        PublishVersion(2, TestModelFactory.SmallConvNet(seed: 2));
        await WaitUntilAsync(() => load.Recent(200).Contains("2"), "version 2 to take traffic");
        var split = await load.NextAsync(2000);
        Assert.InRange(split.Count(v => v == "2") / (double)split.Count, 0.05, 0.15);

        // 2. Promote: all traffic to version 2.
        WriteConfig("""{"version_policy": {"all": {}}, "traffic": {"1": 0, "2": 100}}""");
        await WaitUntilAsync(() => load.Recent(200).All(v => v == "2"), "version 2 to take all traffic");
        Assert.All(await load.NextAsync(500), v => Assert.Equal("2", v));

        // 3. Roll back: all traffic to version 1 again.
        WriteConfig("""{"version_policy": {"all": {}}, "traffic": {"1": 100, "2": 0}}""");
        await WaitUntilAsync(() => load.Recent(200).All(v => v == "1"), "version 1 to take all traffic back");
        Assert.All(await load.NextAsync(500), v => Assert.Equal("1", v));

        // 4. Retire version 2: its folder goes, and the server unloads it.
        Directory.Delete(_repository.PathOf("cnn", "2"), recursive: true);
        using var client = new KServeHttpClient(_server.Address);
        await WaitUntilAsync(async () => (await client.GetModelMetadataAsync("cnn")).Versions.SequenceEqual(["1"]), "version 2 to unload");
        Assert.All(await load.NextAsync(300), v => Assert.Equal("1", v));

        var (succeeded, failures) = await load.StopAsync();
        Assert.Empty(failures);
        Assert.True(succeeded > 3000, $"only {succeeded} requests ran");
        Assert.Empty(_server.Problems.Entries);
    }

    [Fact]
    public async Task ACorruptNewVersion_LeavesTheOldOneServing_UnderLoad()
    {
        await using var load = new ClosedLoop(_server.Address, clients: 2);
        WriteConfig("""{"version_policy": {"latest": {"num_versions": 1}}}""");
        await Task.Delay(1000);

        PublishVersion(3, [1, 2, 3, 4]);
        using var client = new KServeHttpClient(_server.Address);
        await WaitUntilAsync(async () => (await client.GetRepositoryIndexAsync()).Any(r => r.Version == "3" && r.State == "UNAVAILABLE"), "the index to report version 3");
        var index = await client.GetRepositoryIndexAsync();
        Assert.Contains("ONNX Runtime cannot load", index.Single(r => r.Version == "3").Reason);
        Assert.Equal("READY", index.Single(r => r.Version == "1").State);
        Assert.True(await client.IsServerReadyAsync());
        Assert.All(await load.NextAsync(300), v => Assert.Equal("1", v));

        var (_, failures) = await load.StopAsync();
        Assert.Empty(failures);
    }

    private void WriteConfig(string json)
    {
        var path = _repository.PathOf("cnn", "config.json");
        File.WriteAllText(path + ".tmp", json);
        File.Move(path + ".tmp", path, overwrite: true);
    }

    private void PublishVersion(long version, byte[] model)
    {
        // Written beside the model under a name that is not a version, then renamed into place.
        var staging = _repository.PathOf("cnn", $".staging-{version}");
        Directory.CreateDirectory(staging);
        File.WriteAllBytes(Path.Combine(staging, "model.onnx"), model);
        Directory.Move(staging, _repository.PathOf("cnn", version.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    private static Task WaitUntilAsync(Func<bool> condition, string what) => WaitUntilAsync(() => Task.FromResult(condition()), what);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var waited = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), $"gave up waiting for {what}");
            await Task.Delay(50);
        }
    }

    /// <summary>Clients sending small-cnn requests back to back, each with its own id; records which version answered.</summary>
    private sealed class ClosedLoop : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly ConcurrentQueue<string> _failures = new();
        private readonly List<string> _versions = [];
        private readonly Task[] _loops;
        private int _succeeded;

        public ClosedLoop(Uri address, int clients)
        {
            _loops = [.. Enumerable.Range(0, clients).Select(c => Task.Run(() => RunAsync(address, c)))];
        }

        /// <summary>The versions that answered the last <paramref name="count"/> requests.</summary>
        public List<string> Recent(int count)
        {
            lock (_versions)
            {
                return _versions.Count < count ? [] : _versions[^count..];
            }
        }

        /// <summary>The versions that answer the next <paramref name="count"/> requests.</summary>
        public async Task<List<string>> NextAsync(int count)
        {
            int start;
            lock (_versions)
            {
                start = _versions.Count;
            }

            var waited = Stopwatch.StartNew();
            while (true)
            {
                lock (_versions)
                {
                    if (_versions.Count >= start + count)
                    {
                        return _versions.GetRange(start, count);
                    }
                }

                Assert.True(waited.Elapsed < TimeSpan.FromSeconds(60), "the load stalled");
                await Task.Delay(20);
            }
        }

        public async Task<(int Succeeded, string[] Failures)> StopAsync()
        {
            await _stop.CancelAsync();
            await Task.WhenAll(_loops);
            return (_succeeded, [.. _failures]);
        }

        public async ValueTask DisposeAsync()
        {
            if (!_stop.IsCancellationRequested)
            {
                await StopAsync();
            }

            _stop.Dispose();
        }

        private async Task RunAsync(Uri address, int client)
        {
            using var http = new KServeHttpClient(address);
            var image = new float[28 * 28];
            for (var n = 0; !_stop.IsCancellationRequested; n++)
            {
                var request = new InferRequest("cnn") { Id = $"c{client}-{n}" }.WithInput(InferTensor.Create<float>("input", image, 1, 1, 28, 28));
                try
                {
                    var result = await http.InferAsync(request, CancellationToken.None);
                    Interlocked.Increment(ref _succeeded);
                    lock (_versions)
                    {
                        _versions.Add(result.ModelVersion);
                    }
                }
                catch (MaasClientException ex)
                {
                    _failures.Enqueue($"{request.Id}: {ex.Code} {ex.Message}");
                }
            }
        }
    }
}
