using System.Buffers.Binary;

namespace Maas.EndToEnd.Tests.Support;

/// <summary>Reads 16-bit PCM mono WAV files (the LibriVox test utterances) as float samples in [-1, 1).</summary>
internal static class Wav
{
    public static (float[] Samples, int SampleRate) ReadMono16(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var offset = 12;
        int rate = 0, channels = 0, bits = 0;
        while (offset + 8 <= bytes.Length)
        {
            var id = System.Text.Encoding.ASCII.GetString(bytes, offset, 4);
            var size = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(offset + 4));
            var body = bytes.AsSpan(offset + 8, Math.Min(size, bytes.Length - offset - 8));
            if (id == "fmt ")
            {
                channels = BinaryPrimitives.ReadInt16LittleEndian(body[2..]);
                rate = BinaryPrimitives.ReadInt32LittleEndian(body[4..]);
                bits = BinaryPrimitives.ReadInt16LittleEndian(body[14..]);
            }
            else if (id == "data")
            {
                if (channels != 1 || bits != 16)
                {
                    throw new InvalidDataException($"{path}: {channels} channel(s), {bits}-bit; expected mono 16-bit.");
                }

                var samples = new float[body.Length / 2];
                for (var i = 0; i < samples.Length; i++)
                {
                    samples[i] = BinaryPrimitives.ReadInt16LittleEndian(body[(2 * i)..]) / 32768f;
                }

                return (samples, rate);
            }

            offset += 8 + size + (size & 1);
        }

        throw new InvalidDataException($"{path} has no data chunk.");
    }

    /// <summary>A complete 16-bit PCM WAV file of <paramref name="samples"/> (in [-1, 1]) with <paramref name="channels"/> identical channels.</summary>
    public static byte[] Encode16(ReadOnlySpan<float> samples, int sampleRate, int channels = 1)
    {
        var dataBytes = samples.Length * 2 * channels;
        var file = new byte[44 + dataBytes];
        "RIFF"u8.CopyTo(file);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(4), 36 + dataBytes);
        "WAVEfmt "u8.CopyTo(file.AsSpan(8));
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(16), 16);
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(20), 1); // PCM
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(22), (short)channels);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(24), sampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(28), sampleRate * 2 * channels);
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(32), (short)(2 * channels));
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(34), 16);
        "data"u8.CopyTo(file.AsSpan(36));
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(40), dataBytes);
        for (var i = 0; i < samples.Length; i++)
        {
            var value = (short)Math.Clamp(MathF.Round(samples[i] * 32767f), short.MinValue, short.MaxValue);
            for (var c = 0; c < channels; c++)
            {
                BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(44 + (((i * channels) + c) * 2)), value);
            }
        }

        return file;
    }
}
