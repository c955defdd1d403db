using Google.Protobuf;
using Maas.Grpc.Protocol;
using Maas.Inference;
using Maas.Tensors;

namespace Maas.Server.Frontends.Grpc;

/// <summary>
/// Turns the canonical <see cref="InferenceResponse"/> into a <see cref="ModelInferResponse"/>.
/// Outputs go out raw when the request sent raw inputs, and also when an output's datatype has
/// no typed field (FP16, BF16), since the protocol uses raw contents for all outputs or none.
/// </summary>
internal static class GrpcInferResponseWriter
{
    /// <summary>
    /// Builds the message. Raw outputs are not copied: the message views the response's buffers,
    /// so <paramref name="response"/> must stay undisposed until the message is serialized.
    /// </summary>
    public static ModelInferResponse Write(ModelInferRequest request, InferenceResponse response)
    {
        var message = new ModelInferResponse
        {
            ModelName = response.ModelName,
            ModelVersion = response.ModelVersion,
            Id = request.Id,
        };

        var raw = request.RawInputContents.Count > 0 || response.Outputs.Exists(static o => TensorContents.FieldName(o.DataType) is null);
        foreach (var output in response.Outputs)
        {
            var tensor = new ModelInferResponse.Types.InferOutputTensor
            {
                Name = output.Name,
                Datatype = output.DataType.WireName(),
            };
            foreach (var dim in output.Shape.Dimensions)
            {
                tensor.Shape.Add(dim);
            }

            if (raw)
            {
                message.RawOutputContents.Add(UnsafeByteOperations.UnsafeWrap(output.Data));
            }
            else
            {
                tensor.Contents = TensorContents.Write(output.DataType, output.Data.Span);
            }

            message.Outputs.Add(tensor);
        }

        return message;
    }
}
