using Maas.Client;
using Maas.Client.Grpc;
using Maas.Client.Http;
using Maas.EndToEnd.Tests.Support;
using Maas.TestModels;

namespace Maas.EndToEnd.Tests;

/// <summary>
/// Real models over real HTTP and gRPC, through the .NET client: the answers a user would check
/// against published values, and the same numbers whichever protocol carried them.
/// </summary>
[Collection(DemoServers.Name)]
public sealed class RealModelTests(DemoServerFixture fixture)
{
    public static TheoryData<string> Transports() => ["rest-json", "rest-binary", "grpc-raw", "grpc-typed"];

    [Fact]
    public async Task MiniLM_SentenceEmbedding_MatchesPublishedReference_AndIsBitIdenticalOverEveryProtocol()
    {
        var ids = Tokenize("This is an example sentence");
        var mask = Enumerable.Repeat(1L, ids.Length).ToArray();
        var request = new InferRequest("minilm")
            .WithInput(InferTensor.Create<long>("input_ids", ids, 1, ids.Length))
            .WithInput(InferTensor.Create<long>("attention_mask", mask, 1, ids.Length))
            .WithInput(InferTensor.Create<long>("token_type_ids", new long[ids.Length], 1, ids.Length));
        request.Outputs.Add("last_hidden_state");

        var answers = new List<InferTensor>();
        foreach (var transport in Transports())
        {
            using var client = Create(transport);
            answers.Add((await client.InferAsync(request)).Output("last_hidden_state"));
        }

        Assert.All(answers, a => Assert.Equal([1L, ids.Length, 384L], a.Shape));
        Assert.All(answers, a => Assert.Equal(answers[0].Data.ToArray(), a.Data.ToArray()));
        var embedding = MeanPoolAndNormalize(answers[0].ToArray<float>(), mask, 384);
        Assert.Equal(0.067657, embedding[0], 1e-4);
        Assert.Equal(0.063496, embedding[1], 1e-4);
        Assert.Equal(0.048713, embedding[2], 1e-4);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task SileroVad_ScoresRealSpeechHigh_AndSilenceLow(string transport)
    {
        var speechFile = Directory.GetFiles(Path.Combine(RepoPaths.DemoData, "speech"), "*.wav").Order().First();
        var (speech, rate) = Wav.ReadMono16(speechFile);
        Assert.Equal(16000, rate);
        using var client = Create(transport);

        var speechScores = await RunVadAsync(client, speech.AsMemory(0, rate * 2));
        var silenceScores = await RunVadAsync(client, new float[rate]);

        Assert.True(speechScores.Max() > 0.9, $"speech peaked at {speechScores.Max():F3}");
        Assert.True(speechScores.Count(s => s > 0.5) > speechScores.Length / 4, $"only {speechScores.Count(s => s > 0.5)} of {speechScores.Length} speech chunks scored > 0.5");
        Assert.True(silenceScores.Max() < 0.1, $"silence peaked at {silenceScores.Max():F3}");
    }

    [Fact]
    public async Task ResNet18_OldOpsetCntkExport_ServesAnImage_TheSameOverRestAndGrpc()
    {
        var image = new float[3 * 224 * 224];
        var random = new Random(7);
        for (var i = 0; i < image.Length; i++)
        {
            image[i] = (float)random.NextDouble();
        }

        var request = new InferRequest("resnet18").WithInput(InferTensor.Create<float>("Input247", image, 1, 3, 224, 224));
        using var rest = Create("rest-binary");
        using var grpc = Create("grpc-raw");

        var byRest = Assert.Single((await rest.InferAsync(request)).Outputs);
        var byGrpc = Assert.Single((await grpc.InferAsync(request)).Outputs);

        Assert.Equal([1L, 512L, 1L, 1L], byRest.Shape);
        var features = byRest.ToArray<float>();
        Assert.All(features, f => Assert.True(float.IsFinite(f)));
        Assert.Contains(features, f => f != 0);
        Assert.Equal(byRest.Data.ToArray(), byGrpc.Data.ToArray());
    }

    private IInferenceClient Create(string transport) => transport switch
    {
        "rest-json" => new KServeHttpClient(fixture.Server.Address) { BinaryData = false },
        "rest-binary" => new KServeHttpClient(fixture.Server.Address),
        "grpc-raw" => new KServeGrpcClient(fixture.Server.GrpcAddress),
        "grpc-typed" => new KServeGrpcClient(fixture.Server.GrpcAddress) { UseTypedContents = true },
        _ => throw new ArgumentOutOfRangeException(nameof(transport)),
    };

    /// <summary>Silero VAD v5 at 16 kHz: 512 new samples plus 64 of context per call; the state flows from call to call.</summary>
    private static async Task<float[]> RunVadAsync(IInferenceClient client, ReadOnlyMemory<float> audio)
    {
        const int Chunk = 512, Context = 64;
        var state = new float[2 * 1 * 128];
        var window = new float[Context + Chunk];
        var scores = new List<float>();
        for (var start = 0; start + Chunk <= audio.Length; start += Chunk)
        {
            window.AsSpan(Chunk, Context).CopyTo(window);
            audio.Span.Slice(start, Chunk).CopyTo(window.AsSpan(Context));
            var request = new InferRequest("silero-vad")
                .WithInput(InferTensor.Create<float>("input", window, 1, window.Length))
                .WithInput(InferTensor.Create<float>("state", state, 2, 1, 128))
                .WithInput(InferTensor.Scalar("sr", 16000L));
            var result = await client.InferAsync(request);
            scores.Add(result.Output("output").ToArray<float>()[0]);
            state = result.Output("stateN").ToArray<float>();
        }

        return [.. scores];
    }

    private static long[] Tokenize(string sentence)
    {
        // Every word of the reference sentence is a whole token of MiniLM's uncased WordPiece vocabulary.
        var vocab = File.ReadAllLines(Path.Combine(RepoPaths.DemoData, "minilm", "vocab.txt"));
        long Id(string token)
        {
            var id = Array.IndexOf(vocab, token);
            Assert.True(id >= 0, $"'{token}' is not in the vocabulary");
            return id;
        }

        return [Id("[CLS]"), .. sentence.ToLowerInvariant().Split(' ').Select(Id), Id("[SEP]")];
    }

    private static float[] MeanPoolAndNormalize(float[] hidden, long[] mask, int width)
    {
        var sum = new double[width];
        var count = 0;
        for (var t = 0; t < mask.Length; t++)
        {
            if (mask[t] == 0)
            {
                continue;
            }

            count++;
            for (var d = 0; d < width; d++)
            {
                sum[d] += hidden[(t * width) + d];
            }
        }

        var norm = Math.Sqrt(sum.Sum(v => (v / count) * (v / count)));
        return sum.Select(v => (float)(v / count / norm)).ToArray();
    }
}
