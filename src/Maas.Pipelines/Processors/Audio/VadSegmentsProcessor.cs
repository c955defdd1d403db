using Maas.Errors;
using Maas.Tensors;

namespace Maas.Pipelines.Processors.Audio;

/// <summary>
/// <c>vad_segments</c>: per-frame speech probabilities to speech segments in seconds, with
/// Silero's rules, streamed over a sequence. See docs/pipelines/processors/audio.md.
/// </summary>
public sealed class VadSegmentsProcessor : Processor
{
    private readonly VadSettings _settings;

    internal VadSegmentsProcessor(VadSettings settings)
    {
        _settings = settings;
    }

    /// <inheritdoc/>
    public override IReadOnlyList<Port> Inputs { get; } =
    [
        new("probabilities", DataType.Fp32),
        new("stream_samples", DataType.Int64, Optional: true),
    ];

    /// <inheritdoc/>
    public override IReadOnlyList<Port> Outputs { get; } =
    [
        new("segments", DataType.Fp32),
        new("speech_probability", DataType.Fp32, Optional: true),
        new("all_segments", DataType.Fp32, Optional: true),
    ];

    /// <inheritdoc/>
    public override void Run(ProcessorContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var shape = context.Input("probabilities").Shape;
        if (!(shape.Rank == 1 || (shape.Rank == 2 && shape[1] == 1)))
        {
            throw MaasError.InvalidArgument($"step '{context.StepName}' (vad_segments): input 'probabilities' has shape {shape}; it must be [F] or [F, 1], one speech probability per frame");
        }

        var probabilities = context.InputSpan<float>("probabilities", DataType.Fp32);
        for (var i = 0; i < probabilities.Length; i++)
        {
            if (float.IsNaN(probabilities[i]))
            {
                throw MaasError.InvalidArgument($"step '{context.StepName}' (vad_segments): input 'probabilities' has NaN at frame {i}; probabilities must be numbers from 0 to 1");
            }
        }

        var sequence = context.Sequence;
        var state = sequence?.GetState(context.StepName, () => new VadStreamState());
        var segmenter = state is null ? new VadSegmenter() : sequence!.Start ? state.Restart() : state.Segmenter;
        var emitted = new List<(long Start, long End)>();
        var last = sequence is null || sequence.End;
        if (last)
        {
            segmenter.StreamSamples = ReadStreamSamples(context);
        }

        segmenter.Push(_settings, probabilities, emitted);
        if (last)
        {
            segmenter.Finish(_settings, emitted);
            state?.Restart();
        }

        probabilities.CopyTo(context.Output<float>("speech_probability", DataType.Fp32, TensorShape.Of(probabilities.Length)));
        WriteSegments(context, "segments", emitted);
        WriteSegments(context, "all_segments", last ? segmenter.All : []);
    }

    // The stream's real length in samples (audio_frames' stream_samples), so that a segment that
    // runs to the end stops at the audio's end, not at the end of the zero-padded last frame.
    private static long? ReadStreamSamples(ProcessorContext context)
    {
        if (context.OptionalInput("stream_samples") is not { } tensor)
        {
            return null;
        }

        var values = context.InputSpan<long>("stream_samples", DataType.Int64);
        return values.Length == 1 && values[0] >= 0
            ? values[0]
            : throw MaasError.InvalidArgument($"step '{context.StepName}' (vad_segments): input 'stream_samples' has shape {tensor.Shape}; it must be one non-negative INT64, the samples of the stream so far, as audio_frames writes it");
    }

    private void WriteSegments(ProcessorContext context, string port, IReadOnlyList<(long Start, long End)> segments)
    {
        var values = context.Output<float>(port, DataType.Fp32, TensorShape.Of(segments.Count, 2));
        var rate = (double)_settings.SampleRate;
        for (var i = 0; i < segments.Count; i++)
        {
            values[2 * i] = (float)(segments[i].Start / rate);
            values[(2 * i) + 1] = (float)(segments[i].End / rate);
        }
    }
}
