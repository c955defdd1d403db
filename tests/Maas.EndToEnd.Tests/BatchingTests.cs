using System.Net;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using Maas.Core.Scheduling;
using Maas.Server;
using Maas.TestModels;
using Microsoft.Extensions.DependencyInjection;

namespace Maas.EndToEnd.Tests;

/// <summary>Dynamic batching on real MiniLM over real HTTP: batches form, answers do not change.</summary>
public sealed class BatchingTests
{
    // Token ids of sentences of 4 to 9 tokens ([CLS] ... [SEP]) from MiniLM's vocabulary, padded to 12.
    private static readonly long[][] Sentences =
    [
        [101, 7592, 2088, 102],
        [101, 2023, 2003, 2019, 2742, 6251, 102],
        [101, 1996, 4937, 2938, 2006, 1996, 13523, 102],
        [101, 2009, 2003, 1037, 2204, 2154, 102],
        [101, 1045, 2293, 3698, 4083, 1998, 4769, 2833, 102],
        [101, 3835, 102],
    ];

    private const int PaddedLength = 12;

    [Fact]
    public async Task MiniLM_SentencesOfDifferentLengthsPaddedToOneLength_BatchTogether_AndMatchUnbatchedRunsExactly()
    {
        using var repository = new TestRepository().AddModel("minilm", 1, File.ReadAllBytes(RepoPaths.DemoModel("minilm")));
        var hooks = new SchedulerHooks { HoldUntilQueued = Sentences.Length };
        var app = MaasServer.Build(new MaasServerOptions { ModelRepository = repository.Root, HttpPort = 0, GrpcPort = null }, b => b.Services.AddSingleton(hooks));
        await app.StartAsync();
        try
        {
            await app.WaitForModelsAsync();
            using var client = new HttpClient { BaseAddress = new Uri(app.Addresses().Single()) };

            var batched = await Task.WhenAll(Sentences.Select(s => EmbedAsync(client, s)));
            var alone = new List<float[]>();
            foreach (var sentence in Sentences)
            {
                alone.Add(await EmbedAsync(client, sentence));
            }

            for (var i = 0; i < Sentences.Length; i++)
            {
                Assert.Equal(alone[i], batched[i]);
            }

            var stats = JsonNode.Parse(await client.GetStringAsync("/v2/models/minilm/stats"))!["model_stats"]![0]!;
            var sizes = stats["batch_stats"]!.AsArray().Select(b => b!["batch_size"]!.GetValue<long>()).ToArray();
            Assert.Contains((long)Sentences.Length, sizes);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private static async Task<float[]> EmbedAsync(HttpClient client, long[] tokens)
    {
        var ids = new long[PaddedLength];
        var mask = new long[PaddedLength];
        tokens.CopyTo(ids, 0);
        Array.Fill(mask, 1L, 0, tokens.Length);
        var size = PaddedLength * 8;
        var header = $$$"""
            {"inputs": [
              {"name": "input_ids", "shape": [1, {{{PaddedLength}}}], "datatype": "INT64", "parameters": {"binary_data_size": {{{size}}}}},
              {"name": "attention_mask", "shape": [1, {{{PaddedLength}}}], "datatype": "INT64", "parameters": {"binary_data_size": {{{size}}}}},
              {"name": "token_type_ids", "shape": [1, {{{PaddedLength}}}], "datatype": "INT64", "parameters": {"binary_data_size": {{{size}}}}}],
             "outputs": [{"name": "last_hidden_state", "parameters": {"binary_data": true}}]}
            """;
        var headerBytes = Encoding.UTF8.GetBytes(header);
        var body = headerBytes.Concat(MemoryMarshal.AsBytes(ids.AsSpan()).ToArray()).Concat(MemoryMarshal.AsBytes(mask.AsSpan()).ToArray()).Concat(new byte[size]).ToArray();
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Headers.Add("Inference-Header-Content-Length", headerBytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var response = await client.PostAsync("/v2/models/minilm/infer", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var jsonLength = int.Parse(response.Headers.GetValues("Inference-Header-Content-Length").Single(), System.Globalization.CultureInfo.InvariantCulture);
        return MemoryMarshal.Cast<byte, float>(bytes.AsSpan(jsonLength)).ToArray();
    }
}
