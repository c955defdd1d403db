using Maas.Pipelines.Processors.Audio;

namespace Maas.Pipelines.Tests.Audio;

public sealed class ResamplingTests
{
    [Theory]
    [InlineData(48_000, 1_000)]
    [InlineData(44_100, 440)]
    [InlineData(22_050, 3_000)]
    [InlineData(8_000, 1_000)]
    [InlineData(48_000, 5_000)]
    public void A_tone_keeps_its_frequency_and_level(int rate, double hz)
    {
        var samples = WavDecodeTests.Decode(WavFile.Write(WavFile.Sine(hz, rate, 1.0), 1, rate));

        Assert.Equal((int)Math.Ceiling(rate * 1.0 * 16_000 / rate), samples.Length);
        var middle = samples.AsSpan(4_000, 8_000); // 0.5 s away from both edges
        Assert.InRange(ZeroCrossings(middle), (2 * hz * 0.5) - 2, (2 * hz * 0.5) + 2);
        Assert.InRange(Rms(middle), 0.5 / Math.Sqrt(2) * 0.97, 0.5 / Math.Sqrt(2) * 1.03);
    }

    [Theory]
    [InlineData(48_000, 10_000)]
    [InlineData(48_000, 9_000)]
    [InlineData(44_100, 12_000)]
    [InlineData(192_000, 30_000)]
    public void Tones_above_the_new_nyquist_frequency_are_removed_not_folded(int rate, double hz)
    {
        // Without a low-pass these would fold down to |16 kHz k - hz| at full level.
        var samples = WavDecodeTests.Decode(WavFile.Write(WavFile.Sine(hz, rate, 0.5), 1, rate));

        var middle = samples.AsSpan(2_000, 4_000);
        Assert.True(Rms(middle) < 0.5 / Math.Sqrt(2) * 0.01, $"{hz} Hz at {rate} Hz left an RMS of {Rms(middle)} (more than -40 dB)");
    }

    [Fact]
    public void Chunk_wavs_of_one_sequence_decode_to_the_whole_files_samples()
    {
        const int Rate = 44_100;
        var random = new Random(7);
        var stereo = new float[Rate * 2 * 2];
        for (var i = 0; i < stereo.Length; i++)
        {
            stereo[i] = (float)((0.3 * Math.Sin(i * 0.013)) + (0.2 * (random.NextDouble() - 0.5)));
        }

        var whole = WavDecodeTests.Decode(WavFile.Write(stereo, 2, Rate));

        var processor = Run.Create(new WavDecodeFactory());
        int[] sizes = [3001, 17, 0, 1, 4410, 22050, 999, 5];
        var chunks = new List<float[]>();
        for (var offset = 0; offset < stereo.Length / 2;)
        {
            var frames = Math.Min(sizes[chunks.Count % sizes.Length], (stereo.Length / 2) - offset);
            chunks.Add(stereo[(offset * 2)..((offset + frames) * 2)]);
            offset += frames;
        }

        var state = new Dictionary<string, object>();
        var joined = new List<float>();
        for (var i = 0; i < chunks.Count; i++)
        {
            var wav = WavFile.Write(chunks[i], 2, Rate);
            joined.AddRange(Run.Step(processor, "audio", Run.Bytes("audio", wav), Run.Sequence(state, i, chunks.Count)).Floats("samples"));
        }

        Assert.Equal(whole.Length, joined.Count);
        for (var i = 0; i < whole.Length; i++)
        {
            Assert.Equal(whole[i], joined[i], 1e-6f);
        }
    }

    [Fact]
    public void Resampling_to_another_target_rate_follows_the_option()
    {
        var samples = WavDecodeTests.Decode(WavFile.Write(WavFile.Sine(1_000, 16_000, 1.0), 1, 16_000), """{"sample_rate": 8000}""");

        Assert.Equal(8_000, samples.Length);
        Assert.InRange(ZeroCrossings(samples.AsSpan(2_000, 4_000)), 998, 1002);
    }

    private static int ZeroCrossings(ReadOnlySpan<float> samples)
    {
        var count = 0;
        for (var i = 1; i < samples.Length; i++)
        {
            if ((samples[i - 1] < 0) != (samples[i] < 0))
            {
                count++;
            }
        }

        return count;
    }

    private static double Rms(ReadOnlySpan<float> samples)
    {
        double sum = 0;
        foreach (var x in samples)
        {
            sum += x * x;
        }

        return Math.Sqrt(sum / samples.Length);
    }
}
