using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Maas.Pipelines.Processors;
using Maas.Tensors;
using Maas.TestModels;

namespace Maas.Pipelines.Tests.Text;

/// <summary>Builds text steps and hand-made tensors, and reads outputs back, for the Text tests.</summary>
internal static class TextSteps
{
    public static string MiniLmFolder => Path.Combine(RepoPaths.DemoData, "minilm");

    public static Processor Create(IProcessorFactory factory, string optionsJson, params string[] folders)
    {
        using var json = JsonDocument.Parse(optionsJson);
        var options = new ProcessorOptions("step", json.RootElement.Clone(), folders.Length > 0 ? folders : [Path.GetTempPath()]);
        return factory.Create(options);
    }

    public static Tensor Strings(params string[] texts) =>
        Utf8Elements("text", TensorShape.Of(texts.Length), [.. texts.Select(t => Encoding.UTF8.GetBytes(t))]);

    public static Tensor Utf8Elements(string name, TensorShape shape, params byte[][] elements)
    {
        var writer = new System.Buffers.ArrayBufferWriter<byte>();
        foreach (var element in elements)
        {
            BytesElements.Write(writer, element);
        }

        return new Tensor(name, DataType.Bytes, shape, writer.WrittenMemory.ToArray());
    }

    public static Tensor Floats(string name, float[] values, params long[] shape) =>
        new(name, DataType.Fp32, new TensorShape(shape), MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    public static Tensor Longs(string name, long[] values, params long[] shape) =>
        new(name, DataType.Int64, new TensorShape(shape), MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    /// <summary>Runs <paramref name="processor"/> on one input; the caller disposes the context.</summary>
    public static ProcessorContext Run(Processor processor, params (string Port, Tensor Tensor)[] inputs)
    {
        var context = new ProcessorContext("step", inputs.ToDictionary(i => i.Port, i => i.Tensor));
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

    public static long[] LongsOf(ProcessorContext context, string port) =>
        MemoryMarshal.Cast<byte, long>(context.Outputs[port].Data.Span).ToArray();

    public static float[] FloatsOf(ProcessorContext context, string port) =>
        MemoryMarshal.Cast<byte, float>(context.Outputs[port].Data.Span).ToArray();

    public static string[] StringsOf(ProcessorContext context, string port)
    {
        var result = new List<string>();
        foreach (var element in BytesElements.Enumerate(context.Outputs[port].Data.Span))
        {
            result.Add(Encoding.UTF8.GetString(element));
        }

        return [.. result];
    }

    public static long[] ShapeOf(ProcessorContext context, string port) => context.Outputs[port].Shape.ToArray();
}
