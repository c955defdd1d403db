using System.Buffers.Binary;
using Maas.Errors;
using Maas.Pipelines.Processors.Audio;
using Maas.Pipelines.Processors.Image;
using Maas.Pipelines.Tests.Audio;
using Maas.Pipelines.Tests.Image;
using SkiaSharp;

namespace Maas.Pipelines.Tests.Fuzz;

/// <summary>
/// Client bytes that decoders parse: valid files mutated at random (bit flips, truncation,
/// overwritten size fields, garbage) must either decode or fail with InvalidArgument, never with
/// any other exception (an IndexOutOfRange or an OutOfMemory would be a 500 or a dead process).
/// </summary>
public sealed class MalformedInputTests
{
    private const int Cases = 3000;

    [Fact]
    public void Mutated_WAV_files_decode_or_are_refused_as_bad_input()
    {
        var decoder = Run.Create(new WavDecodeFactory(), """{"sample_rate": 16000}""");
        byte[][] seeds =
        [
            WavFile.Write(WavFile.Sine(440, 16000, 0.05), channels: 1, rate: 16000),
            WavFile.Write(WavFile.Sine(440, 44100, 0.05), channels: 1, rate: 44100, bits: 24, extensible: true, extraChunks: true),
            WavFile.Write(WavFile.Sine(440, 8000, 0.05), channels: 1, rate: 8000, bits: 32, tag: 3),
        ];

        Fuzz(seeds, bytes => Run.Step(decoder, "audio", Run.Bytes("audio", bytes)), seed: 11);
    }

    [Fact]
    public void Mutated_images_decode_or_are_refused_as_bad_input()
    {
        var decoder = ImageTestKit.Create(new ImageDecodeFactory(), """{"max_pixels": 1000000}""");
        using var bitmap = new SKBitmap(24, 16);
        bitmap.Erase(SKColors.CornflowerBlue);
        byte[][] seeds =
        [
            ImageTestKit.Encode(bitmap, SKEncodedImageFormat.Png),
            ImageTestKit.Encode(bitmap, SKEncodedImageFormat.Jpeg),
            ImageTestKit.Encode(bitmap, SKEncodedImageFormat.Webp),
        ];

        Fuzz(seeds, bytes =>
        {
            using var context = ImageTestKit.Run(decoder, ("image", ImageTestKit.Bytes("image", bytes)));
        }, seed: 12);
    }

    [Fact]
    public void Random_bytes_as_text_tokenize_or_are_refused_as_bad_input()
    {
        var tokenizer = Text.TextSteps.Create(new Processors.Text.WordPieceTokenizerFactory(), """{"max_length": 64}""", Text.TextSteps.MiniLmFolder);
        byte[][] seeds = ["This is an example sentence"u8.ToArray(), "Café naïve 한국어 日本語 \t\u200b"u8.ToArray()];

        Fuzz(seeds, bytes =>
        {
            using var context = Text.TextSteps.Run(tokenizer, ("text", ImageTestKit.Bytes("text", bytes)));
        }, seed: 13, minimumRefused: Cases / 20); // bit flips in the multi-byte characters break UTF-8
    }

    private static void Fuzz(byte[][] seeds, Action<byte[]> decode, int seed, int minimumRefused = Cases / 10)
    {
        var random = new Random(seed);
        var refused = 0;
        for (var i = 0; i < Cases; i++)
        {
            var bytes = Mutate(seeds[i % seeds.Length], random);
            try
            {
                decode(bytes);
            }
            catch (MaasError ex) when (ex.Code == MaasErrorCode.InvalidArgument)
            {
                refused++;
            }
            catch (Exception ex)
            {
                Assert.Fail($"case {i}: {ex.GetType().Name} ({ex.Message}) for {bytes.Length} bytes starting {Convert.ToHexString(bytes.AsSpan(0, Math.Min(16, bytes.Length)))}");
            }
        }

        // The mutations must actually reach the error paths, or the test proves nothing.
        Assert.InRange(refused, minimumRefused, Cases);
    }

    private static byte[] Mutate(byte[] seed, Random random)
    {
        var bytes = (byte[])seed.Clone();
        switch (random.Next(5))
        {
            case 0: // flip a few bits
                for (var n = random.Next(1, 8); n > 0; n--)
                {
                    bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                }

                return bytes;
            case 1: // cut short
                return bytes[..random.Next(bytes.Length)];
            case 2: // a 32-bit field (a size, a rate, a dimension) set to something extreme
                var at = random.Next(bytes.Length - 4);
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at), random.Next(3) switch { 0 => 0u, 1 => uint.MaxValue, _ => (uint)random.Next() });
                return bytes;
            case 3: // garbage after a valid header
                var keep = Math.Min(bytes.Length, random.Next(8, 64));
                random.NextBytes(bytes.AsSpan(keep));
                return bytes;
            default: // pure garbage
                var garbage = new byte[random.Next(0, 256)];
                random.NextBytes(garbage);
                return garbage;
        }
    }
}
