using Maas.Client;
using Maas.Client.Http;
using Maas.EndToEnd.Tests.Support;
using Maas.TestModels;

namespace Maas.EndToEnd.Tests;

/// <summary>Unloading releases what loading took: the real server process, the real MiniLM (91 MB of weights).</summary>
public sealed class MemoryTests
{
    /// <summary>
    /// Growth allowed over the 10 measured cycles: a leak of the model would be ~90 MB a cycle,
    /// ~900 MB in all. The allocator's arenas and the managed heap (not compacted in a child we
    /// cannot ask to collect) still move by up to ~175 MB between runs here, so the bound is a
    /// third of a leak.
    /// </summary>
    private const long AllowedGrowthBytes = 300L * 1024 * 1024;

    [Fact]
    public async Task RepeatedLoadAndUnloadOfMiniLM_DoesNotGrowTheProcess()
    {
        RepoPaths.DemoModel("minilm");
        using var repo = new TestRepository();
        Directory.CreateDirectory(repo.PathOf("minilm", "1"));
        File.CreateSymbolicLink(repo.PathOf("minilm", "1", "model.onnx"), Path.Combine(RepoPaths.DemoRepository, "minilm", "1", "model.onnx"));
        var (process, address) = await MaasProcess.StartAsync("serve", "-m", repo.Root, "--http-port", "0", "--grpc-port", "-1", "--model-control-mode", "explicit");
        using var server = process;
        using var client = new KServeHttpClient(address);
        var request = new InferRequest("minilm")
            .WithInput(InferTensor.Create<long>("input_ids", [101, 2023, 102], 1, 3))
            .WithInput(InferTensor.Create<long>("attention_mask", [1, 1, 1], 1, 3))
            .WithInput(InferTensor.Create<long>("token_type_ids", [0, 0, 0], 1, 3));

        async Task CycleAsync()
        {
            await client.LoadModelAsync("minilm");
            Assert.Equal(2, (await client.InferAsync(request)).Outputs.Count);
            await client.UnloadModelAsync("minilm");
        }

        // Warm-up cycles: the allocator and ONNX Runtime's arenas reach their steady size.
        for (var i = 0; i < 5; i++)
        {
            await CycleAsync();
        }

        var before = server.ResidentBytes();
        for (var i = 0; i < 10; i++)
        {
            await CycleAsync();
        }

        var after = server.ResidentBytes();
        Assert.True(after - before < AllowedGrowthBytes, $"resident memory grew {(after - before) / 1e6:F0} MB over 10 load/unload cycles of MiniLM ({before / 1e6:F0} → {after / 1e6:F0} MB)");
    }
}
