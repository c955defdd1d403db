using Maas.Errors;
using Maas.Tensors;

namespace Maas.Pipelines.Processors.Audio;

/// <summary>
/// <c>audio_frames</c>: cuts a stream of samples into rows of <c>context</c> old samples followed
/// by <c>frame</c> new ones (Silero VAD v5 at 16 kHz: 64 + 512), carrying the leftover and the
/// context across the requests of a sequence. See docs/pipelines/processors/audio.md.
/// </summary>
public sealed class AudioFramesProcessor : Processor
{
    private readonly int _frame;
    private readonly int _context;
    private readonly bool _padEnd;

    /// <summary>Creates the processor.</summary>
    /// <param name="frame">New samples per row.</param>
    /// <param name="context">Samples of the previous row repeated at the start of each row.</param>
    /// <param name="padEnd">Zero-pads the stream's last partial frame into a row instead of dropping it.</param>
    public AudioFramesProcessor(int frame, int context, bool padEnd)
    {
        _frame = frame;
        _context = context;
        _padEnd = padEnd;
    }

    /// <inheritdoc/>
    public override IReadOnlyList<Port> Inputs { get; } = [new("samples", DataType.Fp32)];

    /// <inheritdoc/>
    public override IReadOnlyList<Port> Outputs { get; } =
    [
        new("frames", DataType.Fp32),
        new("frame_start", DataType.Int64, Optional: true),
        new("stream_samples", DataType.Int64, Optional: true),
    ];

    /// <inheritdoc/>
    public override void Run(ProcessorContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var shape = context.Input("samples").Shape;
        if (!(shape.Rank == 1 || (shape.Rank == 2 && shape[0] == 1)))
        {
            throw MaasError.InvalidArgument($"step '{context.StepName}' (audio_frames): input 'samples' has shape {shape}; it must be [S] (or [1, S]) mono samples");
        }

        var input = context.InputSpan<float>("samples", DataType.Fp32);
        var sequence = context.Sequence;
        var state = sequence?.GetState(context.StepName, () => new FrameStreamState(_context)) ?? new FrameStreamState(_context);
        if (sequence is { Start: true })
        {
            state.Reset();
        }

        var last = sequence is null || sequence.End;
        var available = state.Leftover.Length + input.Length;
        var whole = available / _frame;
        var rest = available - (whole * _frame);
        var rows = whole + (last && _padEnd && rest > 0 ? 1 : 0);

        // The stream from the leftover on; padded rows read zeros past its end.
        var stream = new float[Math.Max(available, rows * _frame)];
        state.Leftover.CopyTo(stream, 0);
        input.CopyTo(stream.AsSpan(state.Leftover.Length));

        var width = _context + _frame;
        var frames = context.Output<float>("frames", DataType.Fp32, TensorShape.Of(rows, width));
        var starts = context.Output<long>("frame_start", DataType.Int64, TensorShape.Of(rows));
        // The real length of the stream so far: the padded last row runs past it, and a step
        // that reports times at the end (vad_segments) clamps to this.
        context.Output<long>("stream_samples", DataType.Int64, TensorShape.Scalar)[0] = state.NextStart + available;
        var previous = state.Context;
        for (var f = 0; f < rows; f++)
        {
            var row = frames.Slice(f * width, width);
            previous.CopyTo(row);
            stream.AsSpan(f * _frame, _frame).CopyTo(row[_context..]);
            starts[f] = state.NextStart + ((long)f * _frame);
            row[_frame..].CopyTo(previous);
        }

        if (last)
        {
            state.Reset();
        }
        else
        {
            state.Leftover = stream.AsSpan(whole * _frame, rest).ToArray();
            state.NextStart += (long)whole * _frame;
        }
    }
}
