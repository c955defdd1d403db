using System.Runtime.InteropServices;
using System.Text.Json;
using Maas.Pipelines.Processors;
using Maas.Tensors;

namespace Maas.Pipelines.Tests.Audio;

/// <summary>Builds processors from option JSON and runs them over test tensors.</summary>
internal static class Run
{
    public static Processor Create(IProcessorFactory factory, string optionsJson = "{}")
    {
        using var json = JsonDocument.Parse(optionsJson);
        return factory.Create(new ProcessorOptions("step", json.RootElement.Clone(), []));
    }

    public static Tensor Bytes(string name, params byte[][] elements)
    {
        var writer = new System.Buffers.ArrayBufferWriter<byte>();
        foreach (var element in elements)
        {
            BytesElements.Write(writer, element);
        }

        return new Tensor(name, DataType.Bytes, TensorShape.Of(elements.Length), writer.WrittenMemory.ToArray());
    }

    public static Tensor Long(string name, long value) =>
        new(name, DataType.Int64, TensorShape.Scalar, BitConverter.GetBytes(value));

    public static Tensor Floats(string name, float[] values, params long[] shape) =>
        new(name, DataType.Fp32, TensorShape.Of(shape.Length == 0 ? [values.Length] : shape), MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    /// <summary>Runs <paramref name="processor"/> on one input and copies every output out of the context.</summary>
    public static Outputs Step(Processor processor, string port, Tensor input, SequenceContext? sequence = null, string stepName = "step") =>
        Step(processor, new Dictionary<string, Tensor> { [port] = input }, sequence, stepName);

    /// <summary>Runs <paramref name="processor"/> on its inputs by port and copies every output out of the context.</summary>
    public static Outputs Step(Processor processor, Dictionary<string, Tensor> inputs, SequenceContext? sequence = null, string stepName = "step")
    {
        using var context = new ProcessorContext(stepName, inputs, sequence);
        processor.Run(context);
        var outputs = new Dictionary<string, (DataType Type, long[] Shape, byte[] Data)>();
        foreach (var (name, tensor) in context.Outputs)
        {
            outputs[name] = (tensor.DataType, tensor.Shape.ToArray(), tensor.Data.ToArray());
        }

        return new Outputs(outputs);
    }

    /// <summary>The sequence context of request <paramref name="index"/> of <paramref name="count"/>.</summary>
    public static SequenceContext Sequence(Dictionary<string, object> state, int index, int count) =>
        new("seq-1", start: index == 0, end: index == count - 1, state);

    public sealed class Outputs(Dictionary<string, (DataType Type, long[] Shape, byte[] Data)> outputs)
    {
        public float[] Floats(string port) => MemoryMarshal.Cast<byte, float>(outputs[port].Data).ToArray();

        public long[] Longs(string port) => MemoryMarshal.Cast<byte, long>(outputs[port].Data).ToArray();

        public long[] Shape(string port) => outputs[port].Shape;

        public DataType Type(string port) => outputs[port].Type;
    }
}
