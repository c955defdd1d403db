using Google.Protobuf;
using Maas.Errors;
using Maas.Grpc.Protocol;
using Maas.Tensors;

namespace Maas.Client.Grpc;

/// <summary>Conversions between the client's types and the protocol messages.</summary>
internal static class GrpcMessages
{
    public static ModelInferRequest ToMessage(InferRequest request, bool typed)
    {
        var message = new ModelInferRequest { ModelName = request.ModelName, ModelVersion = request.ModelVersion ?? "", Id = request.Id ?? "" };
        foreach (var (key, value) in request.Parameters)
        {
            message.Parameters[key] = Parameter(key, value);
        }

        // Raw contents are all-or-nothing: typed only when every input has a typed field.
        var useTyped = typed && request.Inputs.All(i => i.DataType is not (DataType.Fp16 or DataType.Bf16));
        foreach (var input in request.Inputs)
        {
            var tensor = new ModelInferRequest.Types.InferInputTensor { Name = input.Name, Datatype = input.DataType.WireName() };
            tensor.Shape.AddRange(input.Shape);
            if (useTyped)
            {
                tensor.Contents = TensorContents.Write(input.DataType, input.Data.Span);
            }
            else
            {
                message.RawInputContents.Add(UnsafeByteOperations.UnsafeWrap(input.Data));
            }

            message.Inputs.Add(tensor);
        }

        foreach (var output in request.Outputs)
        {
            message.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = output });
        }

        return message;
    }

    public static InferResult FromMessage(ModelInferResponse response)
    {
        var outputs = new InferTensor[response.Outputs.Count];
        var raw = response.RawOutputContents;
        for (var i = 0; i < outputs.Length; i++)
        {
            var output = response.Outputs[i];
            if (!DataTypes.TryParse(output.Datatype, out var type))
            {
                throw new MaasClientException($"The server answered output '{output.Name}' with unknown datatype '{output.Datatype}'.");
            }

            long[] shape = [.. output.Shape];
            var data = raw.Count > i ? raw[i].Memory : ReadTyped(output, type, shape);
            outputs[i] = new InferTensor(output.Name, type, shape, data);
        }

        return new InferResult(response.ModelName, response.ModelVersion, response.Id.Length > 0 ? response.Id : null, outputs);
    }

    // Typed answers are converted once into the protocol's raw layout, which InferTensor holds.
    private static ReadOnlyMemory<byte> ReadTyped(ModelInferResponse.Types.InferOutputTensor output, DataType type, long[] shape)
    {
        try
        {
            var count = 1L;
            foreach (var dim in shape)
            {
                count = checked(count * dim);
            }

            return TensorContents.Read(output.Contents ?? new InferTensorContents(), output.Name, type, count, owner: null);
        }
        catch (MaasError ex)
        {
            throw new MaasClientException($"The server's answer for output '{output.Name}' is malformed: {ex.Message}", ex);
        }
    }

    private static InferParameter Parameter(string key, object value) => value switch
    {
        bool b => new InferParameter { BoolParam = b },
        int i => new InferParameter { Int64Param = i },
        long l => new InferParameter { Int64Param = l },
        ulong u => new InferParameter { Uint64Param = u },
        double d => new InferParameter { DoubleParam = d },
        string s => new InferParameter { StringParam = s },
        _ => throw new ArgumentException($"Parameter '{key}' is a {value.GetType().Name}; parameters are bool, int, long, ulong, double or string.", nameof(value)),
    };
}
