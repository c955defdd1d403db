using Google.Protobuf.Collections;
using Maas.Buffers;
using Maas.Errors;
using Maas.Grpc.Protocol;
using Maas.Inference;
using Maas.Tensors;

namespace Maas.Server.Frontends.Grpc;

/// <summary>
/// Turns a <see cref="ModelInferRequest"/> into the canonical <see cref="InferenceRequest"/>.
/// Raw inputs are not copied: their tensors view the message's bytes, which outlive the call.
/// Typed inputs are converted once into pooled buffers the request owns.
/// </summary>
internal static class GrpcInferRequestReader
{
    /// <summary>Converts <paramref name="message"/> for <paramref name="version"/> (the resolved version's number).</summary>
    public static InferenceRequest Read(ModelInferRequest message, string version)
    {
        var request = new InferenceRequest(message.ModelName, version)
        {
            Id = message.Id.Length == 0 ? null : message.Id,
            Parameters = GrpcParameters.Read(message.Parameters, "parameters"),
        };

        try
        {
            var raw = message.RawInputContents;
            if (raw.Count > 0 && raw.Count != message.Inputs.Count)
            {
                throw MaasError.InvalidArgument($"raw_input_contents has {raw.Count} entries for {message.Inputs.Count} inputs; when raw contents are used, send one entry per input, in the order of 'inputs'.");
            }

            var buffers = new OwnedResources();
            request.Own(buffers);
            for (var i = 0; i < message.Inputs.Count; i++)
            {
                request.Inputs.Add(ReadInput(message.Inputs[i], i, raw.Count > 0 ? raw[i] : null, buffers));
            }

            if (message.Outputs.Count > 0)
            {
                var outputs = new List<RequestedOutput>(message.Outputs.Count);
                foreach (var output in message.Outputs)
                {
                    outputs.Add(new RequestedOutput(output.Name, GrpcParameters.Read(output.Parameters, $"outputs '{output.Name}' parameters")));
                }

                request.Outputs = outputs;
            }

            return request;
        }
        catch
        {
            request.Dispose();
            throw;
        }
    }

    private static Tensor ReadInput(ModelInferRequest.Types.InferInputTensor input, int index, Google.Protobuf.ByteString? raw, OwnedResources buffers)
    {
        var name = input.Name.Length > 0 ? input.Name : throw MaasError.InvalidArgument($"inputs[{index}] has no name; every input needs name, datatype and shape.");
        if (!DataTypes.TryParse(input.Datatype, out var type))
        {
            throw MaasError.InvalidArgument($"Input '{name}' has datatype '{input.Datatype}'; it must be one of {DataTypes.ValidNames}.");
        }

        var shape = ReadShape(input.Shape, name);
        if (!shape.TryGetElementCount(out var count))
        {
            throw MaasError.InvalidArgument($"Input '{name}' has shape {shape}, whose element count overflows; send the real shape.");
        }

        if (raw is null)
        {
            if (input.Contents is null)
            {
                throw MaasError.InvalidArgument($"Input '{name}' has no data: fill contents.{TensorContents.FieldName(type) ?? "(none for " + type.WireName() + ")"} or send raw_input_contents for every input.");
            }

            return new Tensor(name, type, shape, TensorContents.Read(input.Contents, name, type, count, buffers));
        }

        if (input.Contents is not null)
        {
            throw MaasError.InvalidArgument($"Input '{name}' has both contents and raw_input_contents; send its data one way.");
        }

        CheckRawLength(raw.Memory, name, type, shape, count);
        return new Tensor(name, type, shape, raw.Memory);
    }

    private static TensorShape ReadShape(RepeatedField<long> dims, string name)
    {
        foreach (var d in dims)
        {
            if (d < 0)
            {
                throw MaasError.InvalidArgument($"Input '{name}' has shape [{string.Join(", ", dims)}]; dimensions must be non-negative.");
            }
        }

        return new TensorShape([.. dims]);
    }

    private static void CheckRawLength(ReadOnlyMemory<byte> raw, string name, DataType type, TensorShape shape, long count)
    {
        if (type.IsFixedSize())
        {
            var expected = count * type.ElementSize();
            if (raw.Length != expected)
            {
                throw MaasError.InvalidArgument($"raw_input_contents for input '{name}' is {raw.Length} bytes, but {type.WireName()} {shape} needs {expected} ({count} elements of {type.ElementSize()} bytes).");
            }

            return;
        }

        if (!BytesElements.TryCount(raw.Span, out var elements, out var badOffset))
        {
            throw MaasError.InvalidArgument($"raw_input_contents for BYTES input '{name}' is malformed at byte {badOffset}: each element is a 4-byte little-endian length followed by that many bytes.");
        }

        if (elements != count)
        {
            throw MaasError.InvalidArgument($"raw_input_contents for BYTES input '{name}' holds {elements} elements, but shape {shape} needs {count}.");
        }
    }
}
