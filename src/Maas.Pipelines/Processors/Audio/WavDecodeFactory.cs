namespace Maas.Pipelines.Processors.Audio;

/// <summary>Creates <see cref="WavDecodeProcessor"/> (<c>wav_decode</c>) from a step's options.</summary>
public sealed class WavDecodeFactory : IProcessorFactory
{
    /// <summary>The lowest rate any option may name, in Hz.</summary>
    public const int LowestRate = 1000;

    /// <summary>The highest rate any option may name, in Hz.</summary>
    public const int HighestRate = 384_000;

    /// <inheritdoc/>
    public string Kind => "wav_decode";

    /// <summary>
    /// Reads <c>sample_rate</c> (output Hz, default 16000), <c>max_seconds</c> (audio per
    /// request, default 600, at most 3600), <c>min_rate</c> and <c>max_rate</c> (accepted source
    /// rates, default 8000 and 192000); rates lie within 1000..384000 Hz.
    /// </summary>
    public Processor Create(ProcessorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var sampleRate = options.GetInt("sample_rate", 16_000, LowestRate, HighestRate);
        var maxSeconds = options.GetDouble("max_seconds", 600, 0.001, 3600);
        var minRate = options.GetInt("min_rate", 8_000, LowestRate, HighestRate);
        var maxRate = options.GetInt("max_rate", 192_000, LowestRate, HighestRate);
        if (minRate > maxRate)
        {
            options.AddError($"'min_rate' ({minRate}) is above 'max_rate' ({maxRate}); swap them");
        }

        options.ThrowIfInvalid(Kind);
        return new WavDecodeProcessor(sampleRate, maxSeconds, minRate, maxRate);
    }
}
