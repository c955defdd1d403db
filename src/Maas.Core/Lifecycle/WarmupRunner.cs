using System.Buffers.Binary;
using System.Text;
using Maas.Core.Inference;
using Maas.Core.Repository;
using Maas.Core.Scheduling;
using Maas.Errors;
using Maas.Inference;
using Maas.Models;
using Maas.Tensors;

namespace Maas.Core.Lifecycle;

/// <summary>
/// Runs a loaded version's warm-up requests through its own scheduler before the version is
/// published, so its first real request does not pay for lazy engine initialisation, and a
/// version that cannot answer fails its load instead of its first client.
/// </summary>
internal static class WarmupRunner
{
    /// <summary>Elements a generated warm-up tensor may hold (dynamic dimensions become 1, so only big fixed shapes reach this).</summary>
    public const long MaxElements = 1 << 26;

    public static async Task RunAsync(string modelName, ModelMetadata metadata, ModelScheduler scheduler, WarmupConfig warmup, CancellationToken cancellationToken)
    {
        foreach (var name in warmup.Inputs.Keys)
        {
            if (!metadata.Inputs.Any(i => i.Name == name))
            {
                throw MaasError.InvalidArgument($"warmup.inputs names '{name}', which is not an input of model '{modelName}'; its inputs are {string.Join(", ", metadata.Inputs.Select(i => $"'{i.Name}'"))}");
            }
        }

        for (var run = 0; run < warmup.Runs; run++)
        {
            using var request = Build(modelName, metadata, warmup);
            var outputs = RequestValidator.Validate(modelName, metadata, request);
            try
            {
                using var response = await scheduler.EnqueueAsync(request, outputs, cancellationToken).ConfigureAwait(false);
            }
            catch (MaasError ex)
            {
                throw MaasError.InvalidArgument($"warm-up run {run + 1} of {warmup.Runs} failed: {ex.Message}");
            }
        }
    }

    private static InferenceRequest Build(string modelName, ModelMetadata metadata, WarmupConfig warmup)
    {
        var request = new InferenceRequest(modelName) { Id = "warmup" };
        foreach (var input in metadata.Inputs)
        {
            var dims = input.Shape.ToArray();
            for (var i = 0; i < dims.Length; i++)
            {
                dims[i] = dims[i] == TensorShape.Dynamic ? 1 : dims[i];
            }

            var shape = new TensorShape(dims);
            var count = shape.ElementCount;
            if (count > MaxElements)
            {
                throw MaasError.InvalidArgument($"warm-up input '{input.Name}' would hold {count} elements (shape {shape}), more than {MaxElements}");
            }

            warmup.Inputs.TryGetValue(input.Name, out var values);
            if (values is not null && values.Count != 1 && values.Count != count)
            {
                throw MaasError.InvalidArgument($"warmup.inputs.{input.Name} has {values.Count} values, but its shape {shape} holds {count}; give {count} values, or one to fill it");
            }

            request.Inputs.Add(new Tensor(input.Name, input.DataType, shape, Fill(input, (int)count, values)));
        }

        return request;
    }

    private static byte[] Fill(TensorMetadata input, int count, IReadOnlyList<WarmupValue>? values)
    {
        if (input.DataType == DataType.Bytes)
        {
            var elements = new List<byte>();
            Span<byte> prefix = stackalloc byte[BytesElements.PrefixSize];
            for (var i = 0; i < count; i++)
            {
                var text = values is null ? "" : values[values.Count == 1 ? 0 : i].Text ?? throw MaasError.InvalidArgument($"warmup.inputs.{input.Name} is BYTES and takes strings");
                var bytes = Encoding.UTF8.GetBytes(text);
                BinaryPrimitives.WriteInt32LittleEndian(prefix, bytes.Length);
                elements.AddRange(prefix);
                elements.AddRange(bytes);
            }

            return [.. elements];
        }

        var size = input.DataType.ElementSize();
        var data = new byte[count * size];
        if (values is null)
        {
            return data;
        }

        for (var i = 0; i < count; i++)
        {
            var value = values[values.Count == 1 ? 0 : i];
            if (value.Text is not null)
            {
                throw MaasError.InvalidArgument($"warmup.inputs.{input.Name} is {input.DataType.WireName()} and takes numbers, not strings");
            }

            try
            {
                Write(data.AsSpan(i * size, size), input.DataType, value.Number);
            }
            catch (OverflowException)
            {
                throw MaasError.InvalidArgument($"warmup.inputs.{input.Name} holds {value.Number}, which does not fit {input.DataType.WireName()}");
            }
        }

        return data;
    }

    private static void Write(Span<byte> target, DataType type, double value)
    {
        switch (type)
        {
            case DataType.Bool: target[0] = value != 0 ? (byte)1 : (byte)0; break;
            case DataType.UInt8: target[0] = checked((byte)value); break;
            case DataType.Int8: target[0] = unchecked((byte)checked((sbyte)value)); break;
            case DataType.UInt16: BinaryPrimitives.WriteUInt16LittleEndian(target, checked((ushort)value)); break;
            case DataType.Int16: BinaryPrimitives.WriteInt16LittleEndian(target, checked((short)value)); break;
            case DataType.UInt32: BinaryPrimitives.WriteUInt32LittleEndian(target, checked((uint)value)); break;
            case DataType.Int32: BinaryPrimitives.WriteInt32LittleEndian(target, checked((int)value)); break;
            case DataType.UInt64: BinaryPrimitives.WriteUInt64LittleEndian(target, checked((ulong)value)); break;
            case DataType.Int64: BinaryPrimitives.WriteInt64LittleEndian(target, checked((long)value)); break;
            case DataType.Fp16: BinaryPrimitives.WriteHalfLittleEndian(target, (Half)value); break;
            case DataType.Bf16: BinaryPrimitives.WriteUInt16LittleEndian(target, (ushort)(BitConverter.SingleToUInt32Bits((float)value) >> 16)); break;
            case DataType.Fp32: BinaryPrimitives.WriteSingleLittleEndian(target, (float)value); break;
            case DataType.Fp64: BinaryPrimitives.WriteDoubleLittleEndian(target, value); break;
            default: throw new InvalidOperationException($"No warm-up writer for {type}.");
        }
    }
}
