namespace Maas.Pipelines.Processors.Audio;

/// <summary>How a WAV file's samples are stored.</summary>
internal enum WavEncoding
{
    /// <summary>Integer PCM: 8-bit unsigned, or 16/24/32-bit signed little-endian.</summary>
    Pcm,

    /// <summary>IEEE float, 32 or 64 bits little-endian.</summary>
    Float,
}
