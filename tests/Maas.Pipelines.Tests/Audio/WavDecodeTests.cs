using System.Buffers.Binary;
using Maas.Errors;
using Maas.Pipelines.Processors.Audio;
using Maas.Tensors;

namespace Maas.Pipelines.Tests.Audio;

public sealed class WavDecodeTests
{
    private static readonly float[] Signal = Ramp();

    [Theory]
    [InlineData(8, 1, false, 0.0079)]
    [InlineData(16, 1, false, 3.1e-5)]
    [InlineData(24, 1, false, 1.2e-7)]
    [InlineData(32, 1, false, 1e-7)]
    [InlineData(32, 3, false, 0)]
    [InlineData(16, 1, true, 3.1e-5)]
    [InlineData(24, 1, true, 1.2e-7)]
    [InlineData(32, 3, true, 0)]
    public void Every_supported_sample_format_decodes_to_the_same_samples(int bits, ushort tag, bool extensible, double tolerance)
    {
        var wav = WavFile.Write(Signal, 1, 16_000, bits, tag, extensible, extraChunks: true);

        var samples = Decode(wav);

        Assert.Equal(Signal.Length, samples.Length);
        for (var i = 0; i < Signal.Length; i++)
        {
            Assert.True(Math.Abs(samples[i] - Signal[i]) <= tolerance, $"sample {i}: {samples[i]} vs {Signal[i]} ({bits}-bit, tag {tag})");
        }
    }

    [Theory]
    [InlineData(2, 16, false)]
    [InlineData(6, 24, true)]
    [InlineData(2, 32, true)]
    public void Channels_are_averaged_into_mono(int channels, int bits, bool extensible)
    {
        // Channel c carries Signal * (c + 1) / channels, so the mean is Signal * (channels + 1) / (2 * channels).
        var interleaved = new float[Signal.Length * channels];
        for (var i = 0; i < Signal.Length; i++)
        {
            for (var c = 0; c < channels; c++)
            {
                interleaved[(i * channels) + c] = Signal[i] * (c + 1) / channels;
            }
        }

        var samples = Decode(WavFile.Write(interleaved, channels, 16_000, bits, tag: 1, extensible));

        var gain = (channels + 1) / (2.0f * channels);
        Assert.Equal(Signal.Length, samples.Length);
        for (var i = 0; i < Signal.Length; i++)
        {
            Assert.Equal(Signal[i] * gain, samples[i], 1e-4f);
        }
    }

    [Fact]
    public void Eight_bit_samples_are_unsigned_around_128()
    {
        var fmt = WavFile.Format(1, 1, 16_000, 8);
        var samples = Decode(WavFile.Assemble(fmt, [0, 128, 255]));

        Assert.Equal([-1f, 0f, 127 / 128f], samples);
    }

    [Fact]
    public void A_streamed_file_with_unknown_riff_and_data_sizes_decodes_to_its_end()
    {
        var wav = WavFile.Write(Signal, 1, 16_000);
        BinaryPrimitives.WriteUInt32LittleEndian(wav.AsSpan(4), 0);
        BinaryPrimitives.WriteUInt32LittleEndian(wav.AsSpan(40), 0xFFFFFFFF);

        Assert.Equal(Decode(WavFile.Write(Signal, 1, 16_000)), Decode(wav));
    }

    [Fact]
    public void An_empty_data_chunk_gives_no_samples()
    {
        Assert.Empty(Decode(WavFile.Write([], 1, 16_000)));
        Assert.Empty(Decode(WavFile.Write([], 1, 48_000)));
    }

    [Theory]
    [InlineData("not a RIFF/WAVE file (it starts with bytes 68656C6C)", "hello world, this is not audio")]
    [InlineData("looks like an MP3 file", "ID3\u0004\0\0\0\0\0\0\0\0\0\0")]
    [InlineData("it is empty", "")]
    public void Files_that_are_not_wav_are_refused_with_what_they_look_like(string expected, string content)
    {
        var error = DecodeError(System.Text.Encoding.ASCII.GetBytes(content));

        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Contains("step 'step' (wav_decode): input 'audio'", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(6, 8, "A-law (format tag 0x0006)")]
    [InlineData(7, 8, "mu-law")]
    [InlineData(0x55, 16, "MP3")]
    [InlineData(2, 4, "Microsoft ADPCM")]
    [InlineData(1, 12, "12-bit PCM; supported PCM depths are 8, 16, 24 and 32 bits")]
    [InlineData(3, 16, "16-bit IEEE float; supported float sizes are 32 and 64 bits")]
    public void Unsupported_encodings_are_named_with_what_is_supported(ushort tag, int bits, string expected)
    {
        var error = DecodeError(WavFile.Assemble(WavFile.Format(tag, 1, 16_000, bits), new byte[64]));

        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_extensible_file_with_a_foreign_sub_format_is_refused()
    {
        var guid = Guid.NewGuid().ToByteArray();
        var error = DecodeError(WavFile.Assemble(WavFile.Format(1, 2, 16_000, 16, extensible: true, subFormat: guid), new byte[64]));

        Assert.Contains("WAVE_FORMAT_EXTENSIBLE with sub-format", error, StringComparison.Ordinal);
        Assert.Contains("not PCM or IEEE float", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_and_corrupt_files_are_refused()
    {
        var wav = WavFile.Write(Signal, 1, 16_000);

        Assert.Contains("is truncated: its data chunk declares 3200 bytes but only 1556 follow", DecodeError(wav[..1600]), StringComparison.Ordinal);
        Assert.Contains("chunk 'fmt ' at byte 12 declares 16 bytes but only 0 follow", DecodeError(wav[..20]), StringComparison.Ordinal);
        Assert.Contains("has no 'data' chunk", DecodeError(wav[..36]), StringComparison.Ordinal);
        Assert.Contains("not a whole number of 4-byte frames", DecodeError(WavFile.Assemble(WavFile.Format(1, 2, 16_000, 16), new byte[10])), StringComparison.Ordinal);
        Assert.Contains("declares 0 channels", DecodeError(WavFile.Assemble(WavFile.Format(1, 0, 16_000, 16), new byte[10])), StringComparison.Ordinal);

        var badAlign = WavFile.Format(1, 2, 16_000, 16);
        BinaryPrimitives.WriteUInt16LittleEndian(badAlign.AsSpan(12), 3);
        Assert.Contains("declares 3-byte frames, but 16-bit PCM, 2 channels, 16000 Hz takes 4 bytes", DecodeError(WavFile.Assemble(badAlign, new byte[12])), StringComparison.Ordinal);
    }

    [Fact]
    public void Sample_rates_outside_the_limits_are_refused_with_the_limits()
    {
        var error = DecodeError(WavFile.Write(Signal, 1, 4_000));
        Assert.Contains("is 16-bit PCM, 1 channel, 4000 Hz; this step accepts sample rates from 8000 to 192000 Hz", error, StringComparison.Ordinal);

        var strict = Run.Create(new WavDecodeFactory(), """{"min_rate": 16000, "max_rate": 16000}""");
        var strictError = Assert.Throws<MaasError>(() => Run.Step(strict, "audio", Run.Bytes("audio", WavFile.Write(Signal, 1, 44_100))));
        Assert.Contains("from 16000 to 16000 Hz", strictError.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Audio_longer_than_max_seconds_is_refused()
    {
        var processor = Run.Create(new WavDecodeFactory(), """{"max_seconds": 0.05}""");

        var error = Assert.Throws<MaasError>(() => Run.Step(processor, "audio", Run.Bytes("audio", WavFile.Write(Signal, 1, 16_000))));

        Assert.Equal(MaasErrorCode.InvalidArgument, error.Code);
        Assert.Contains("holds 0.1 s of audio; one request may carry at most 0.05 s", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_input_must_hold_exactly_one_file()
    {
        var wav = WavFile.Write(Signal, 1, 16_000);
        var processor = Run.Create(new WavDecodeFactory());

        var error = Assert.Throws<MaasError>(() => Run.Step(processor, "audio", Run.Bytes("audio", wav, wav)));

        Assert.Contains("it must be BYTES with exactly one element, a whole WAV file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_chunk_whose_rate_or_channels_change_mid_sequence_is_refused()
    {
        var processor = Run.Create(new WavDecodeFactory());
        var state = new Dictionary<string, object>();
        Run.Step(processor, "audio", Run.Bytes("audio", WavFile.Write(Signal, 1, 16_000)), new("s", start: true, end: false, state));

        var rate = Assert.Throws<MaasError>(() => Run.Step(processor, "audio", Run.Bytes("audio", WavFile.Write(Signal, 1, 44_100)), new("s", start: false, end: false, state)));
        var stereo = new float[Signal.Length * 2];
        var channels = Assert.Throws<MaasError>(() => Run.Step(processor, "audio", Run.Bytes("audio", WavFile.Write(stereo, 2, 16_000)), new("s", start: false, end: true, state)));

        Assert.Contains("is 16-bit PCM, 1 channel, 44100 Hz, but sequence 's' started with 16-bit PCM, 1 channel, 16000 Hz", rate.Message, StringComparison.Ordinal);
        Assert.Contains("start a new sequence to change them", rate.Message, StringComparison.Ordinal);
        Assert.Contains("2 channels, 16000 Hz, but sequence 's' started with", channels.Message, StringComparison.Ordinal);

        // A new sequence may use another format.
        var restarted = Run.Step(processor, "audio", Run.Bytes("audio", WavFile.Write(stereo, 2, 16_000)), new("s", start: true, end: true, state));
        Assert.Equal(Signal.Length, restarted.Floats("samples").Length);
    }

    [Theory]
    [InlineData("""{"min_rate": 48000, "max_rate": 8000}""", "'min_rate' (48000) is above 'max_rate' (8000)")]
    [InlineData("""{"sample_rate": 10}""", "'sample_rate' must be an integer from 1000 to 384000")]
    [InlineData("""{"samplerate": 16000}""", "unknown option 'samplerate'")]
    public void Bad_options_are_refused_at_load(string json, string expected)
    {
        var error = Assert.Throws<MaasError>(() => Run.Create(new WavDecodeFactory(), json));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_output_is_fp32_of_the_sample_count()
    {
        var outputs = Run.Step(Run.Create(new WavDecodeFactory()), "audio", Run.Bytes("audio", WavFile.Write(Signal, 1, 16_000)));

        Assert.Equal(DataType.Fp32, outputs.Type("samples"));
        Assert.Equal([Signal.Length], outputs.Shape("samples"));
    }

    internal static float[] Decode(byte[] wav, string options = "{}") =>
        Run.Step(Run.Create(new WavDecodeFactory(), options), "audio", Run.Bytes("audio", wav)).Floats("samples");

    private static string DecodeError(byte[] wav)
    {
        var error = Assert.Throws<MaasError>(() => Decode(wav));
        Assert.Equal(MaasErrorCode.InvalidArgument, error.Code);
        return error.Message;
    }

    // Values that every depth represents well, from -1 to just under 1, with a sine on top.
    private static float[] Ramp()
    {
        var values = new float[1600];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (float)Math.Clamp((0.6 * Math.Sin(i * 0.05)) + (0.39 * Math.Cos(i * 0.011)), -1, 0.999);
        }

        values[0] = -1;
        return values;
    }
}
