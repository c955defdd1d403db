using System.Buffers.Binary;

namespace Maas.Pipelines.Processors.Audio;

/// <summary>Turns interleaved WAV samples into mono floats in [-1, 1], averaging the channels.</summary>
internal static class PcmDecoder
{
    /// <summary>
    /// Decodes <paramref name="data"/> (a whole number of frames of <paramref name="format"/>)
    /// into <paramref name="mono"/>, which holds one value per frame. False when a float sample
    /// is NaN or infinite (the decoded values are then unusable).
    /// </summary>
    public static bool DecodeMono(ReadOnlySpan<byte> data, WavFormat format, Span<float> mono)
    {
        var channels = format.Channels;
        var width = format.BytesPerSample;
        var frames = data.Length / format.BlockAlign;
        var scale = 1.0f / channels;
        var finite = true;
        for (var f = 0; f < frames; f++)
        {
            var frame = data.Slice(f * format.BlockAlign, format.BlockAlign);
            var sum = 0.0f;
            for (var c = 0; c < channels; c++)
            {
                sum += Sample(frame.Slice(c * width, width), format);
            }

            mono[f] = channels == 1 ? sum : sum * scale;
            finite &= float.IsFinite(sum);
        }

        return finite;
    }

    private static float Sample(ReadOnlySpan<byte> bytes, WavFormat format)
    {
        if (format.Encoding == WavEncoding.Float)
        {
            return format.BitsPerSample == 32
                ? BinaryPrimitives.ReadSingleLittleEndian(bytes)
                : (float)BinaryPrimitives.ReadDoubleLittleEndian(bytes);
        }

        return format.BitsPerSample switch
        {
            8 => (bytes[0] - 128) / 128.0f,
            16 => BinaryPrimitives.ReadInt16LittleEndian(bytes) / 32768.0f,
            24 => (((bytes[2] << 24) | (bytes[1] << 16) | (bytes[0] << 8)) >> 8) / 8388608.0f,
            _ => (float)(BinaryPrimitives.ReadInt32LittleEndian(bytes) / 2147483648.0),
        };
    }
}
