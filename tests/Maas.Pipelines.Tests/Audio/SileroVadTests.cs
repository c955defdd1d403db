using Maas.Pipelines.Processors;
using Maas.Pipelines.Processors.Audio;
using Maas.TestModels;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Maas.Pipelines.Tests.Audio;

/// <summary>
/// wav_decode → audio_frames → Silero VAD v5 (ONNX Runtime, state carried frame to frame) →
/// vad_segments, on real LibriVox speech fetched by scripts/fetch-models.sh.
/// </summary>
public sealed class SileroVadTests : IDisposable
{
    private const int Rate = 16_000;
    private readonly InferenceSession _session = new(RepoPaths.DemoModel("silero-vad"));
    private readonly Processor _decode = Run.Create(new WavDecodeFactory());
    private readonly Processor _frames = Run.Create(new AudioFramesFactory());
    private readonly Processor _segments = Run.Create(new VadSegmentsFactory());

    public static TheoryData<string> Utterances()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.GetFiles(Path.Combine(RepoPaths.DemoData, "speech"), "*.wav").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(path));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Utterances))]
    public void Speech_is_found_covering_most_of_the_utterance(string file)
    {
        var wav = File.ReadAllBytes(Path.Combine(RepoPaths.DemoData, "speech", file));
        var seconds = (wav.Length - 44) / 2.0 / Rate;

        var (segments, probabilities) = Detect([wav]);

        Assert.NotEmpty(segments);
        var covered = 0.0;
        for (var i = 0; i < segments.Length; i += 2)
        {
            Assert.True(segments[i] < segments[i + 1] && segments[i + 1] <= seconds + 0.04, $"segment {segments[i]}..{segments[i + 1]} in {seconds} s");
            covered += segments[i + 1] - segments[i];
        }

        Assert.True(covered > 0.6 * seconds, $"{file}: speech covers {covered:0.00} s of {seconds:0.00} s");
        Assert.True(probabilities.Max() > 0.9, $"{file}: the highest speech probability is {probabilities.Max()}");
    }

    [Fact]
    public void Digital_silence_and_low_noise_give_no_segments()
    {
        var silence = new float[3 * Rate];
        var noise = new float[3 * Rate];
        var random = new Random(3);
        for (var i = 0; i < noise.Length; i++)
        {
            noise[i] = (float)((random.NextDouble() - 0.5) * 0.004);
        }

        var (silent, silentProbabilities) = Detect([WavFile.Write(silence, 1, Rate)]);
        var (noisy, _) = Detect([WavFile.Write(noise, 1, Rate)]);

        Assert.Empty(silent);
        Assert.Empty(noisy);
        Assert.True(silentProbabilities.Max() < 0.1, $"silence scored {silentProbabilities.Max()}");
    }

    [Fact]
    public void Half_second_chunk_wavs_in_a_sequence_find_the_same_segments_as_one_request()
    {
        var wav = File.ReadAllBytes(Path.Combine(RepoPaths.DemoData, "speech", "sense_and_sensibility_01_austen_64kb-0870.wav"));
        var samples = WavDecodeTests.Decode(wav);
        var (whole, _) = Detect([wav]);

        var chunks = new List<byte[]>();
        for (var offset = 0; offset < samples.Length; offset += 8_000 + 37)
        {
            chunks.Add(WavFile.Write(samples[offset..Math.Min(samples.Length, offset + 8_000 + 37)], 1, Rate));
        }

        var (streamed, _) = Detect(chunks);

        Assert.Equal(whole.Length, streamed.Length);
        for (var i = 0; i < whole.Length; i++)
        {
            Assert.InRange(streamed[i], whole[i] - (512f / Rate), whole[i] + (512f / Rate));
        }
    }

    public void Dispose() => _session.Dispose();

    // Runs the chain over the chunk WAVs as one sequence (or stateless for a single file);
    // returns every segment (start, end pairs in seconds) and every frame's probability.
    private (float[] Segments, float[] Probabilities) Detect(List<byte[]> chunks)
    {
        var state = new Dictionary<string, object>();
        var vadState = new DenseTensor<float>([2, 1, 128]);
        var segments = new List<float>();
        var probabilities = new List<float>();
        for (var i = 0; i < chunks.Count; i++)
        {
            var sequence = chunks.Count == 1 ? null : Run.Sequence(state, i, chunks.Count);
            var samples = Run.Step(_decode, "audio", Run.Bytes("audio", chunks[i]), sequence, "decode").Floats("samples");
            var framed = Run.Step(_frames, "samples", Run.Floats("samples", samples), sequence, "frames");
            var rows = framed.Floats("frames");
            var count = (int)framed.Shape("frames")[0];
            var scores = new float[count];
            for (var f = 0; f < count; f++)
            {
                (scores[f], vadState) = Infer(rows.AsMemory(f * 576, 576), vadState);
            }

            var found = Run.Step(_segments, "probabilities", Run.Floats("probabilities", scores), sequence, "segments");
            segments.AddRange(found.Floats("segments"));
            probabilities.AddRange(found.Floats("speech_probability"));
        }

        return ([.. segments], [.. probabilities]);
    }

    private (float Probability, DenseTensor<float> State) Infer(Memory<float> row, DenseTensor<float> state)
    {
        NamedOnnxValue[] inputs =
        [
            NamedOnnxValue.CreateFromTensor("input", new DenseTensor<float>(row, [1, 576])),
            NamedOnnxValue.CreateFromTensor("state", state),
            NamedOnnxValue.CreateFromTensor("sr", new DenseTensor<long>(new long[] { Rate }, [])),
        ];
        using var results = _session.Run(inputs);
        var probability = results.First(r => r.Name == "output").AsTensor<float>().GetValue(0);
        var next = results.First(r => r.Name == "stateN").AsTensor<float>().ToDenseTensor();
        return (probability, next);
    }
}
