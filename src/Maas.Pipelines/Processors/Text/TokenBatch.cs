using Maas.Errors;
using Maas.Tensors;

namespace Maas.Pipelines.Processors.Text;

/// <summary>Writes tokenized rows as the padded outputs every tokenizer step has.</summary>
internal static class TokenBatch
{
    /// <summary>The output ports, in order: input_ids, attention_mask, token_type_ids (INT64 [B, L]) and token_count (INT64 [B]).</summary>
    public static IReadOnlyList<Port> Outputs { get; } =
    [
        new("input_ids", DataType.Int64),
        new("attention_mask", DataType.Int64, Optional: true),
        new("token_type_ids", DataType.Int64, Optional: true),
        new("token_count", DataType.Int64, Optional: true),
    ];

    /// <summary>
    /// Writes <paramref name="rows"/> (each at most <see cref="TokenizerSettings.MaxLength"/> ids)
    /// padded with <paramref name="padId"/> to the longest row (at least 1, rounded up to
    /// pad_to_multiple_of), or to max_length when the settings say so. Type ids are all zero: one
    /// segment per string.
    /// </summary>
    public static void Write(ProcessorContext context, IReadOnlyList<int>[] rows, TokenizerSettings settings, long padId)
    {
        var longest = 0;
        foreach (var row in rows)
        {
            longest = Math.Max(longest, row.Count);
        }

        var length = settings.PaddedLength(longest);
        if ((long)rows.Length * length > settings.MaxBatchTokens)
        {
            throw MaasError.InvalidArgument($"step '{context.StepName}': {rows.Length} texts padded to {length} tokens are {(long)rows.Length * length} tokens; the limit is {settings.MaxBatchTokens} per request (option max_batch_tokens); send fewer or shorter texts in each request");
        }

        var shape = TensorShape.Of(rows.Length, length);
        var ids = context.Output<long>("input_ids", DataType.Int64, shape);
        var mask = context.Output<long>("attention_mask", DataType.Int64, shape);
        context.Output<long>("token_type_ids", DataType.Int64, shape);
        var counts = context.Output<long>("token_count", DataType.Int64, TensorShape.Of(rows.Length));
        ids.Fill(padId);
        for (var b = 0; b < rows.Length; b++)
        {
            var row = rows[b];
            var offset = b * length;
            for (var t = 0; t < row.Count; t++)
            {
                ids[offset + t] = row[t];
                mask[offset + t] = 1;
            }

            counts[b] = row.Count;
        }
    }
}
