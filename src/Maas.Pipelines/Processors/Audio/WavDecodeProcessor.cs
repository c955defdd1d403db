using Maas.Errors;
using Maas.Tensors;

namespace Maas.Pipelines.Processors.Audio;

/// <summary>
/// <c>wav_decode</c>: one WAV file (or, in a sequence, one chunk that is itself a WAV file) to
/// mono FP32 samples at the target rate. See docs/pipelines/processors/audio.md.
/// </summary>
public sealed class WavDecodeProcessor : Processor
{
    private readonly int _sampleRate;
    private readonly double _maxSeconds;
    private readonly int _minRate;
    private readonly int _maxRate;

    /// <summary>Creates the processor.</summary>
    /// <param name="sampleRate">The output rate in Hz.</param>
    /// <param name="maxSeconds">The longest audio one request may carry, in seconds.</param>
    /// <param name="minRate">The lowest accepted source rate in Hz.</param>
    /// <param name="maxRate">The highest accepted source rate in Hz.</param>
    public WavDecodeProcessor(int sampleRate, double maxSeconds, int minRate, int maxRate)
    {
        _sampleRate = sampleRate;
        _maxSeconds = maxSeconds;
        _minRate = minRate;
        _maxRate = maxRate;
    }

    /// <inheritdoc/>
    public override IReadOnlyList<Port> Inputs { get; } = [new("audio", DataType.Bytes)];

    /// <inheritdoc/>
    public override IReadOnlyList<Port> Outputs { get; } = [new("samples", DataType.Fp32)];

    /// <inheritdoc/>
    public override void Run(ProcessorContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var file = context.SingleBytesElement("audio", "a whole WAV file", "Send more audio as further requests of a sequence");
        if (!WavReader.TryParse(file, out var format, out var dataOffset, out var dataLength, out var problem))
        {
            throw Bad(context, problem);
        }

        if (format.SampleRate < _minRate || format.SampleRate > _maxRate)
        {
            throw Bad(context, $"is {format}; this step accepts sample rates from {_minRate} to {_maxRate} Hz (resample it, or change the step's 'min_rate'/'max_rate')");
        }

        var frames = dataLength / format.BlockAlign;
        if (frames > _maxSeconds * format.SampleRate)
        {
            throw Bad(context, $"holds {(double)frames / format.SampleRate:0.###} s of audio; one request may carry at most {_maxSeconds:0.###} s (the step's 'max_seconds'): send it in chunks of a sequence");
        }

        var sequence = context.Sequence;
        var state = sequence?.GetState(context.StepName, () => new WavStreamState()) ?? new WavStreamState();
        if (sequence is { Start: true })
        {
            state.Reset();
        }

        if (state.Format is { } first && (first.SampleRate != format.SampleRate || first.Channels != format.Channels))
        {
            throw Bad(context, $"is {format}, but sequence '{sequence!.Id}' started with {first}; every chunk of a sequence must keep the first chunk's sample rate and channel count (start a new sequence to change them)");
        }

        var mono = new float[frames];
        if (!PcmDecoder.DecodeMono(file.Slice(dataOffset, dataLength), format, mono))
        {
            throw Bad(context, "holds NaN or infinite float samples; samples must be finite (IEEE float WAV is expected in [-1, 1])");
        }

        state.Format = format;
        var last = sequence is null || sequence.End;
        var samples = format.SampleRate == _sampleRate
            ? mono
            : new SincResampler(format.SampleRate, _sampleRate).Process(state.Resampler, mono, flush: last);
        if (last)
        {
            state.Reset();
        }

        samples.CopyTo(context.Output<float>("samples", DataType.Fp32, TensorShape.Of(samples.Length)));
    }

    private static MaasError Bad(ProcessorContext context, string problem) =>
        MaasError.InvalidArgument($"step '{context.StepName}' (wav_decode): input 'audio' {problem}");
}
