namespace Maas.Pipelines.Processors.Audio;

/// <summary>Creates <see cref="AudioFramesProcessor"/> (<c>audio_frames</c>) from a step's options.</summary>
public sealed class AudioFramesFactory : IProcessorFactory
{
    /// <summary>The largest <c>frame</c> or <c>context</c>, in samples.</summary>
    public const int MaxSamples = 1 << 20;

    /// <inheritdoc/>
    public string Kind => "audio_frames";

    /// <summary>
    /// Reads <c>frame</c> (new samples per row, default 512), <c>context</c> (old samples before
    /// them, default 64, at most <c>frame</c>) and <c>pad_end</c> (default true).
    /// </summary>
    public Processor Create(ProcessorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var frame = options.GetInt("frame", 512, 1, MaxSamples);
        var context = options.GetInt("context", 64, 0, MaxSamples);
        var padEnd = options.GetBool("pad_end", true);
        if (context > frame)
        {
            options.AddError($"'context' ({context}) is longer than 'frame' ({frame}); a row's context is the end of the previous row's new samples, so it must be at most 'frame'");
        }

        options.ThrowIfInvalid(Kind);
        return new AudioFramesProcessor(frame, context, padEnd);
    }
}
