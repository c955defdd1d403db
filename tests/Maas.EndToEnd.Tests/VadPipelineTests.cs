using Maas.Client;
using Maas.Client.Grpc;
using Maas.Client.Http;
using Maas.EndToEnd.Tests.Support;
using Maas.TestModels;

namespace Maas.EndToEnd.Tests;

/// <summary>
/// The demo <c>vad</c> pipeline (WAV decode → frames → Silero VAD with its recurrent state kept
/// server-side → segments) as a stateful sequence: a LibriVox utterance sent as 0.5 s chunk-WAVs
/// with sequence_id / sequence_start / sequence_end, over REST and over the gRPC stream.
/// </summary>
[Collection(DemoServers.Name)]
public sealed class VadPipelineTests(DemoServerFixture fixture)
{
    private const int Rate = 16000;
    private const int ChunkSamples = Rate / 2;

    [Fact]
    public async Task Speech_sent_in_chunks_over_REST_gives_per_chunk_probabilities_and_its_segments_at_the_end()
    {
        var speech = Speech();
        using var client = new KServeHttpClient(fixture.Server.Address);

        var answers = await SendSequenceAsync(client, 101, speech);

        // One probability per 32 ms frame (0.5 s holds 15.6: leftovers carry into the next chunk).
        Assert.All(answers.Take(answers.Count - 1), a => Assert.InRange(a.Output("speech_probability").Shape[0], 15, 16));
        Assert.Equal((speech.Length + 511) / 512, answers.Sum(a => a.Output("speech_probability").Shape[0]));
        Assert.True(answers.SelectMany(a => a.Output("speech_probability").ToArray<float>()).Max() > 0.9);
        var segments = Segments(answers[^1].Output("all_segments"));
        Assert.NotEmpty(segments);
        var seconds = speech.Length / (double)Rate;
        var covered = segments.Sum(s => s.End - s.Start);
        Assert.True(covered > seconds * 0.6, $"segments cover {covered:F2} s of {seconds:F2} s: {string.Join(", ", segments)}");
        Assert.All(segments, s => Assert.True(s.Start >= 0 && s.End <= Math.Round(seconds, 3) && s.End > s.Start, $"{s}"));
        // Only the final answer carries the whole list.
        Assert.All(answers.Take(answers.Count - 1), a => Assert.Equal(0, a.Output("all_segments").Shape[0]));
    }

    [Fact]
    public async Task Speech_cut_off_mid_utterance_ends_at_the_last_sample_not_at_the_padded_frame()
    {
        // 3.01 s = 48160 samples: 94 frames and 32 samples, so the last frame is 480 samples of
        // zeros; the utterance (0.26 s to 6.85 s) is still going on there.
        var speech = Speech()[..48160];
        using var client = new KServeHttpClient(fixture.Server.Address);

        var segments = Segments((await SendSequenceAsync(client, 108, speech))[^1].Output("all_segments"));

        Assert.NotEmpty(segments);
        Assert.Equal(3.01, segments[^1].End);
    }

    [Fact]
    public async Task Silence_has_no_segments()
    {
        using var client = new KServeHttpClient(fixture.Server.Address);

        var answers = await SendSequenceAsync(client, 102, new float[Rate * 3]);

        Assert.Empty(Segments(answers[^1].Output("all_segments")));
        Assert.True(answers.SelectMany(a => a.Output("speech_probability").ToArray<float>()).Max() < 0.2);
    }

    [Fact]
    public async Task The_gRPC_stream_carries_the_same_sequence_and_finds_the_same_segments()
    {
        var speech = Speech();
        using var rest = new KServeHttpClient(fixture.Server.Address);
        using var grpc = new KServeGrpcClient(fixture.Server.GrpcAddress);

        var byRest = Segments((await SendSequenceAsync(rest, 103, speech))[^1].Output("all_segments"));
        var streamed = new List<InferResult>();
        await foreach (var answer in grpc.StreamInferAsync(Requests("grpc-seq-1", speech).ToAsyncEnumerable()))
        {
            Assert.Null(answer.Error);
            streamed.Add(answer.Result!);
        }

        Assert.Equal(Chunks(speech).Count(), streamed.Count);
        Assert.Equal(byRest, Segments(streamed[^1].Output("all_segments")));
    }

    [Fact]
    public async Task Interleaved_sequences_keep_their_own_state()
    {
        var speech = Speech();
        using var client = new KServeHttpClient(fixture.Server.Address);
        var alone = Segments((await SendSequenceAsync(client, 104, speech))[^1].Output("all_segments"));

        // Chunk by chunk, alternating with a sequence of silence of the same length.
        var speechRequests = Requests(105L, speech).ToList();
        var silenceRequests = Requests(106L, new float[speech.Length]).ToList();
        InferResult? lastSpeech = null, lastSilence = null;
        for (var i = 0; i < speechRequests.Count; i++)
        {
            lastSpeech = await client.InferAsync(speechRequests[i]);
            lastSilence = await client.InferAsync(silenceRequests[i]);
        }

        Assert.Equal(alone, Segments(lastSpeech!.Output("all_segments")));
        Assert.Empty(Segments(lastSilence!.Output("all_segments")));
    }

    [Fact]
    public async Task Unknown_sequences_and_bad_audio_get_clear_400s_and_the_sequence_survives()
    {
        using var client = new KServeHttpClient(fixture.Server.Address);
        var chunk = Wav.Encode16(new float[ChunkSamples], Rate);

        var unknown = await Assert.ThrowsAsync<MaasClientException>(() => client.InferAsync(Request(999_999L, chunk, start: false, end: false)));
        Assert.Equal(400, unknown.HttpStatus);
        Assert.Contains("is not active: send its first request with sequence_start=true", unknown.Message, StringComparison.Ordinal);

        await client.InferAsync(Request(107L, chunk, start: true, end: false));
        var notWav = await Assert.ThrowsAsync<MaasClientException>(() => client.InferAsync(Request(107L, "ID3 this is an mp3"u8.ToArray(), start: false, end: false)));
        Assert.Equal(400, notWav.HttpStatus);
        var otherRate = await Assert.ThrowsAsync<MaasClientException>(() => client.InferAsync(Request(107L, Wav.Encode16(new float[4000], 8000), start: false, end: false)));
        Assert.Equal(400, otherRate.HttpStatus);
        Assert.Contains("8000", otherRate.Message, StringComparison.Ordinal);

        // The sequence is still there and still takes its own format.
        var end = await client.InferAsync(Request(107L, chunk, start: false, end: true));
        Assert.Empty(Segments(end.Output("all_segments")));
    }

    private static float[] Speech()
    {
        var file = Directory.GetFiles(Path.Combine(RepoPaths.DemoData, "speech"), "*.wav").Order().First();
        var (samples, rate) = Wav.ReadMono16(file);
        Assert.Equal(Rate, rate);
        return samples;
    }

    private static IEnumerable<float[]> Chunks(float[] audio)
    {
        for (var offset = 0; offset < audio.Length; offset += ChunkSamples)
        {
            yield return audio.AsSpan(offset, Math.Min(ChunkSamples, audio.Length - offset)).ToArray();
        }
    }

    private static IEnumerable<InferRequest> Requests(object id, float[] audio)
    {
        var chunks = Chunks(audio).ToList();
        for (var i = 0; i < chunks.Count; i++)
        {
            yield return Request(id, Wav.Encode16(chunks[i], Rate), start: i == 0, end: i == chunks.Count - 1);
        }
    }

    private static InferRequest Request(object id, byte[] wav, bool start, bool end)
    {
        var request = new InferRequest("vad").WithInput(InferTensor.FromBytes("audio", [wav], 1));
        request.Parameters["sequence_id"] = id;
        request.Parameters["sequence_start"] = start;
        request.Parameters["sequence_end"] = end;
        return request;
    }

    private static async Task<List<InferResult>> SendSequenceAsync(KServeHttpClient client, object id, float[] audio)
    {
        var answers = new List<InferResult>();
        foreach (var request in Requests(id, audio))
        {
            answers.Add(await client.InferAsync(request));
        }

        return answers;
    }

    private static List<(double Start, double End)> Segments(InferTensor tensor)
    {
        var values = tensor.ToArray<float>();
        return [.. Enumerable.Range(0, values.Length / 2).Select(i => (Math.Round(values[2 * i], 3), Math.Round(values[(2 * i) + 1], 3)))];
    }
}
