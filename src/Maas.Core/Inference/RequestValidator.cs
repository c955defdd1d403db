using Maas.Errors;
using Maas.Inference;
using Maas.Models;
using Maas.Tensors;

namespace Maas.Core.Inference;

/// <summary>
/// Checks a request against a model's signature before the engine sees it: the engine's own
/// errors carry only text, and some mistakes (a short buffer) would read out of bounds. Every
/// message names the tensor, what the model expects and what came.
/// </summary>
public static class RequestValidator
{
    /// <summary>
    /// Validates <paramref name="request"/> and returns the names of the outputs to produce, in
    /// order (those requested, or all of the model's). Throws <see cref="MaasError"/> InvalidArgument.
    /// </summary>
    public static IReadOnlyList<string> Validate(string modelName, ModelMetadata metadata, InferenceRequest request)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(request);

        var inputs = request.Inputs;
        for (var i = 0; i < inputs.Count; i++)
        {
            var input = inputs[i];
            for (var j = 0; j < i; j++)
            {
                if (string.Equals(inputs[j].Name, input.Name, StringComparison.Ordinal))
                {
                    throw MaasError.InvalidArgument($"Input '{input.Name}' appears more than once in the request for model '{modelName}'; send each input once.");
                }
            }

            var expected = metadata.FindInput(input.Name)
                ?? throw MaasError.InvalidArgument($"Input '{input.Name}' is not an input of model '{modelName}'; its inputs are {Describe(metadata.Inputs)}.");
            ValidateInput(modelName, expected, input);
        }

        foreach (var expected in metadata.Inputs)
        {
            if (FindTensor(inputs, expected.Name) is null)
            {
                throw MaasError.InvalidArgument($"Model '{modelName}' requires input '{expected.Name}' ({expected.DataType.WireName()} {expected.Shape}), which the request lacks.");
            }
        }

        return ResolveOutputs(modelName, metadata, request.Outputs);
    }

    private static void ValidateInput(string modelName, TensorMetadata expected, Tensor input)
    {
        if (input.DataType != expected.DataType)
        {
            throw MaasError.InvalidArgument($"Input '{input.Name}' of model '{modelName}' has datatype {input.DataType.WireName()}, but the model expects {expected.DataType.WireName()}.");
        }

        var shape = input.Shape;
        if (shape.Rank != expected.Shape.Rank)
        {
            throw MaasError.InvalidArgument($"Input '{input.Name}' of model '{modelName}' has shape {shape} (rank {shape.Rank}), but the model expects rank {expected.Shape.Rank}: {expected.Shape} (-1 = any size).");
        }

        for (var d = 0; d < shape.Rank; d++)
        {
            var want = expected.Shape[d];
            if (shape[d] < 0)
            {
                throw MaasError.InvalidArgument($"Input '{input.Name}' has shape {shape}: dimension {d} is negative; request shapes must be concrete.");
            }

            if (want != TensorShape.Dynamic && shape[d] != want)
            {
                throw MaasError.InvalidArgument($"Input '{input.Name}' of model '{modelName}' has shape {shape}, but dimension {d} must be {want} (the model expects {expected.Shape}, -1 = any size).");
            }
        }

        ValidateData(input);
    }

    /// <summary>Checks that a tensor's data agrees with its shape and datatype. Throws InvalidArgument.</summary>
    public static void ValidateData(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (!tensor.Shape.TryGetElementCount(out var count))
        {
            throw MaasError.InvalidArgument($"Tensor '{tensor.Name}' has shape {tensor.Shape}, whose element count is negative or overflows; send a concrete shape.");
        }

        if (tensor.DataType.IsFixedSize())
        {
            var size = tensor.DataType.ElementSize();
            if (count > long.MaxValue / size || count * size != tensor.Data.Length)
            {
                throw MaasError.InvalidArgument($"Tensor '{tensor.Name}' has shape {tensor.Shape}, which needs {count} {tensor.DataType.WireName()} elements ({Bytes(count, size)}), but {tensor.Data.Length} bytes of data came.");
            }

            return;
        }

        if (!BytesElements.TryCount(tensor.Data.Span, out var actual, out var badOffset))
        {
            throw MaasError.InvalidArgument($"BYTES tensor '{tensor.Name}' is malformed at byte {badOffset}: each element must be a 4-byte little-endian length followed by that many bytes.");
        }

        if (actual != count)
        {
            throw MaasError.InvalidArgument($"BYTES tensor '{tensor.Name}' has shape {tensor.Shape}, which needs {count} elements, but {actual} came.");
        }
    }

    private static string Bytes(long count, int size) => count <= long.MaxValue / size ? $"{count * size} bytes" : "more bytes than can exist";

    private static string[] ResolveOutputs(string modelName, ModelMetadata metadata, List<RequestedOutput>? requested)
    {
        if (requested is null || requested.Count == 0)
        {
            var all = new string[metadata.Outputs.Count];
            for (var i = 0; i < all.Length; i++)
            {
                all[i] = metadata.Outputs[i].Name;
            }

            return all;
        }

        var names = new string[requested.Count];
        for (var i = 0; i < requested.Count; i++)
        {
            var name = requested[i].Name;
            if (metadata.FindOutput(name) is null)
            {
                throw MaasError.InvalidArgument($"Output '{name}' is not an output of model '{modelName}'; its outputs are {Describe(metadata.Outputs)}.");
            }

            if (Array.IndexOf(names, name, 0, i) >= 0)
            {
                throw MaasError.InvalidArgument($"Output '{name}' is requested more than once; request each output once.");
            }

            names[i] = name;
        }

        return names;
    }

    private static Tensor? FindTensor(List<Tensor> tensors, string name)
    {
        foreach (var tensor in tensors)
        {
            if (string.Equals(tensor.Name, name, StringComparison.Ordinal))
            {
                return tensor;
            }
        }

        return null;
    }

    private static string Describe(IReadOnlyList<TensorMetadata> tensors)
    {
        var parts = new string[tensors.Count];
        for (var i = 0; i < parts.Length; i++)
        {
            parts[i] = $"'{tensors[i].Name}' ({tensors[i].DataType.WireName()} {tensors[i].Shape})";
        }

        return parts.Length == 0 ? "none" : string.Join(", ", parts);
    }
}
