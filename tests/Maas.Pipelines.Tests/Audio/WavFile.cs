using System.Buffers.Binary;

namespace Maas.Pipelines.Tests.Audio;

/// <summary>Writes WAV files for tests, independently of the decoder under test.</summary>
internal static class WavFile
{
    // KSDATAFORMAT_SUBTYPE_PCM / _IEEE_FLOAT after their first two bytes.
    private static readonly byte[] GuidSuffix = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];

    /// <summary>
    /// A WAV of <paramref name="interleaved"/> samples in [-1, 1]. <paramref name="tag"/> 1 is PCM,
    /// 3 float; <paramref name="extensible"/> wraps it in WAVE_FORMAT_EXTENSIBLE;
    /// <paramref name="extraChunks"/> adds unknown chunks (one of odd size) around the data.
    /// </summary>
    public static byte[] Write(
        float[] interleaved,
        int channels,
        int rate,
        int bits = 16,
        ushort tag = 1,
        bool extensible = false,
        bool extraChunks = false)
    {
        var width = bits / 8;
        var data = new byte[interleaved.Length * width];
        for (var i = 0; i < interleaved.Length; i++)
        {
            var x = (double)interleaved[i];
            var at = data.AsSpan(i * width);
            if (tag == 3 && bits == 32)
            {
                BinaryPrimitives.WriteSingleLittleEndian(at, (float)x);
                continue;
            }

            switch (bits)
            {
                case 8:
                    at[0] = (byte)Math.Clamp(Math.Round(x * 128) + 128, 0, 255);
                    break;
                case 16:
                    BinaryPrimitives.WriteInt16LittleEndian(at, (short)Math.Clamp(Math.Round(x * 32768), short.MinValue, short.MaxValue));
                    break;
                case 24:
                    var v = (int)Math.Clamp(Math.Round(x * 8388608), -8388608, 8388607);
                    at[0] = (byte)v;
                    at[1] = (byte)(v >> 8);
                    at[2] = (byte)(v >> 16);
                    break;
                case 32:
                    BinaryPrimitives.WriteInt32LittleEndian(at, (int)Math.Clamp(Math.Round(x * 2147483648.0), int.MinValue, int.MaxValue));
                    break;
                default:
                    // Odd depths (12-bit, ...) are written as 16-bit containers: only the header matters.
                    break;
            }
        }

        return Assemble(Format(tag, channels, rate, bits, extensible), data, extraChunks);
    }

    /// <summary>A 'fmt ' chunk body.</summary>
    public static byte[] Format(ushort tag, int channels, int rate, int bits, bool extensible = false, byte[]? subFormat = null)
    {
        var container = bits % 8 == 0 ? bits : (bits + 7) / 8 * 8;
        var fmt = new byte[extensible ? 40 : 16];
        BinaryPrimitives.WriteUInt16LittleEndian(fmt, extensible ? (ushort)0xFFFE : tag);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(2), (ushort)channels);
        BinaryPrimitives.WriteUInt32LittleEndian(fmt.AsSpan(4), (uint)rate);
        BinaryPrimitives.WriteUInt32LittleEndian(fmt.AsSpan(8), (uint)(rate * channels * container / 8));
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(12), (ushort)(channels * container / 8));
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(14), (ushort)bits);
        if (extensible)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(16), 22);
            BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(18), (ushort)bits);
            BinaryPrimitives.WriteUInt32LittleEndian(fmt.AsSpan(20), channels == 2 ? 3u : 0u);
            if (subFormat is null)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(24), tag);
                GuidSuffix.CopyTo(fmt.AsSpan(26));
            }
            else
            {
                subFormat.CopyTo(fmt.AsSpan(24));
            }
        }

        return fmt;
    }

    /// <summary>RIFF/WAVE around a 'fmt ' body and data bytes.</summary>
    public static byte[] Assemble(byte[] fmt, byte[] data, bool extraChunks = false)
    {
        using var stream = new MemoryStream();
        stream.Write("RIFF"u8);
        stream.Write(new byte[4]);
        stream.Write("WAVE"u8);
        if (extraChunks)
        {
            Chunk(stream, "bext"u8, new byte[7]);
        }

        Chunk(stream, "fmt "u8, fmt);
        if (extraChunks)
        {
            Chunk(stream, "LIST"u8, "INFOISFT\u0003\0\0\0ab\0"u8.ToArray());
        }

        Chunk(stream, "data"u8, data);
        if (extraChunks)
        {
            Chunk(stream, "id3 "u8, new byte[3]);
        }

        var bytes = stream.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), (uint)(bytes.Length - 8));
        return bytes;
    }

    /// <summary>A mono sine of <paramref name="seconds"/> at <paramref name="rate"/>.</summary>
    public static float[] Sine(double hz, int rate, double seconds, double amplitude = 0.5)
    {
        var samples = new float[(int)Math.Round(seconds * rate)];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = (float)(amplitude * Math.Sin(2 * Math.PI * hz * i / rate));
        }

        return samples;
    }

    private static void Chunk(Stream stream, ReadOnlySpan<byte> id, byte[] body)
    {
        stream.Write(id);
        Span<byte> size = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(size, (uint)body.Length);
        stream.Write(size);
        stream.Write(body);
        if ((body.Length & 1) == 1)
        {
            stream.WriteByte(0);
        }
    }
}
