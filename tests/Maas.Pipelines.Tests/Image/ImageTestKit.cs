using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Maas.Pipelines.Processors;
using Maas.Tensors;
using SkiaSharp;

namespace Maas.Pipelines.Tests.Image;

/// <summary>Builds processors from JSON options, runs them, and makes and reads tensors.</summary>
internal static class ImageTestKit
{
    public static Processor Create(IProcessorFactory factory, string optionsJson = "{}", string? folder = null)
    {
        using var json = JsonDocument.Parse(optionsJson);
        var options = new ProcessorOptions("step", json.RootElement.Clone(), [folder ?? Path.GetTempPath()]);
        return factory.Create(options);
    }

    /// <summary>Runs <paramref name="processor"/>; the caller disposes the context (it owns the outputs).</summary>
    public static ProcessorContext Run(Processor processor, params (string Port, Tensor Tensor)[] inputs)
    {
        var map = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (port, tensor) in inputs)
        {
            map[port] = tensor;
        }

        var context = new ProcessorContext("step", map);
        try
        {
            processor.Run(context);
            return context;
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    public static Tensor Fp32(string name, float[] values, params long[] shape) =>
        new(name, DataType.Fp32, new TensorShape(shape), MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    public static Tensor UInt8(string name, byte[] values, params long[] shape) =>
        new(name, DataType.UInt8, new TensorShape(shape), values);

    public static Tensor Bytes(string name, params byte[][] elements)
    {
        var writer = new ArrayBufferWriter<byte>();
        foreach (var element in elements)
        {
            BytesElements.Write(writer, element);
        }

        return new Tensor(name, DataType.Bytes, TensorShape.Of(elements.Length), writer.WrittenMemory.ToArray());
    }

    public static float[] Floats(Tensor tensor) => MemoryMarshal.Cast<byte, float>(tensor.Data.Span).ToArray();

    public static string[] Strings(Tensor tensor)
    {
        var result = new List<string>();
        foreach (var element in BytesElements.Enumerate(tensor.Data.Span))
        {
            result.Add(Encoding.UTF8.GetString(element));
        }

        return [.. result];
    }

    /// <summary>An RGB image [H, W, 3] filled with one colour.</summary>
    public static byte[] Solid(int height, int width, byte r, byte g, byte b)
    {
        var pixels = new byte[height * width * 3];
        for (var i = 0; i < pixels.Length; i += 3)
        {
            pixels[i] = r;
            pixels[i + 1] = g;
            pixels[i + 2] = b;
        }

        return pixels;
    }

    /// <summary>Encodes <paramref name="bitmap"/> as <paramref name="format"/>.</summary>
    public static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format = SKEncodedImageFormat.Png)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, 90);
        return data.ToArray();
    }
}
