using Maas.Buffers;
using Maas.Errors;
using Maas.Inference;
using Maas.Tensors;

namespace Maas.Core.Scheduling;

/// <summary>
/// Joins compatible requests into one along the batch (first) dimension, copying each request's
/// bytes once into the batch buffer, and splits the batch's outputs back by rows without copying:
/// each request's response holds a slice of the batch response and a lease on it.
/// </summary>
internal static class BatchAssembler
{
    /// <summary>One request whose inputs are the concatenation of the batch's; the caller owns it.</summary>
    public static InferenceRequest Merge(string modelName, List<PendingRequest> batch, long totalRows)
    {
        var first = batch[0];
        var merged = new InferenceRequest(modelName);
        try
        {
            for (var i = 0; i < first.OrderedInputs.Length; i++)
            {
                var template = first.OrderedInputs[i];
                long bytes = 0;
                foreach (var request in batch)
                {
                    bytes += request.OrderedInputs[i].Data.Length;
                }

                if (bytes > Array.MaxLength)
                {
                    throw MaasError.ResourceExhausted($"A batch of input '{template.Name}' would need {bytes} bytes, more than one buffer holds; lower max_batch_size.");
                }

                var buffer = new PooledBuffer((int)bytes);
                merged.Own(buffer);
                var offset = 0;
                foreach (var request in batch)
                {
                    var data = request.OrderedInputs[i].Data.Span;
                    data.CopyTo(buffer.Span[offset..]);
                    offset += data.Length;
                }

                var dims = template.Shape.ToArray();
                dims[0] = totalRows;
                merged.Inputs.Add(new Tensor(template.Name, template.DataType, new TensorShape(dims), buffer.Memory));
            }

            return merged;
        }
        catch
        {
            merged.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Splits <paramref name="batchResponse"/> into one response per request, in batch order.
    /// Takes ownership of <paramref name="batchResponse"/>: it lives until the last split response is disposed.
    /// </summary>
    public static InferenceResponse[] Split(InferenceResponse batchResponse, List<PendingRequest> batch, long totalRows)
    {
        var responses = new InferenceResponse[batch.Count];
        var shared = new SharedOwner(batchResponse, batch.Count);
        for (var r = 0; r < batch.Count; r++)
        {
            responses[r] = new InferenceResponse(batchResponse.ModelName, batchResponse.ModelVersion) { Id = batch[r].Request.Id };
            responses[r].Own(shared.Lease());
        }

        try
        {
            foreach (var output in batchResponse.Outputs)
            {
                SplitOutput(output, batch, totalRows, responses);
            }

            return responses;
        }
        catch
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }

            throw;
        }
    }

    private static void SplitOutput(Tensor output, List<PendingRequest> batch, long totalRows, InferenceResponse[] responses)
    {
        if (output.Shape.Rank == 0 || output.Shape[0] != totalRows)
        {
            throw MaasError.Internal($"Output '{output.Name}' has shape {output.Shape}, whose first dimension is not the batch size {totalRows}; the model cannot be batched. Set max_batch_size to 0 in its config.json.");
        }

        var offsets = TensorRows.Offsets(output, totalRows);
        long row = 0;
        for (var r = 0; r < batch.Count; r++)
        {
            var rows = batch[r].Rows;
            var start = offsets(row);
            var end = offsets(row + rows);
            var dims = output.Shape.ToArray();
            dims[0] = rows;
            responses[r].Outputs.Add(new Tensor(output.Name, output.DataType, new TensorShape(dims), output.Data[start..end]));
            row += rows;
        }
    }
}
