namespace Maas.Pipelines.Processors.Text;

/// <summary>The length and padding options every tokenizer step shares.</summary>
/// <param name="MaxLength">Most tokens per string, special tokens included; longer text is truncated.</param>
/// <param name="PadToMaxLength">True pads every row to <paramref name="MaxLength"/>; false to the batch's longest row.</param>
/// <param name="PadToMultipleOf">
/// The padded length is rounded up to a multiple of this (1: not rounded), capped at
/// <paramref name="MaxLength"/>. Requests of similar length then share a shape, which is what the
/// scheduler needs to batch them; the attention mask keeps the result the same.
/// </param>
/// <param name="MaxBatchTokens">
/// Most padded tokens (rows × padded length) one request may produce. Everything downstream is
/// sized by it (a transformer's hidden states are tokens × width floats), so it bounds what one
/// request can make the server allocate.
/// </param>
internal sealed record TokenizerSettings(int MaxLength, bool PadToMaxLength, int PadToMultipleOf = 1, int MaxBatchTokens = TokenizerSettings.DefaultMaxBatchTokens)
{
    /// <summary>The largest <c>max_length</c> accepted (outputs are [batch, length], so this bounds their size).</summary>
    public const int MaxLengthLimit = 8192;

    /// <summary>
    /// Default <c>max_batch_tokens</c>: 262,144, e.g. 1,024 texts of 256 tokens (about OpenAI's
    /// 300,000 tokens per embeddings request); MiniLM's hidden states for it are 400 MB.
    /// </summary>
    public const int DefaultMaxBatchTokens = 262_144;

    /// <summary>The largest <c>max_batch_tokens</c> accepted: 4,194,304.</summary>
    public const int MaxBatchTokensLimit = 4_194_304;

    /// <summary>
    /// Reads <c>max_length</c> (default 512), <c>padding</c> ("longest", the default, or
    /// "max_length"), <c>pad_to_multiple_of</c> (default 1) and <c>max_batch_tokens</c>
    /// (default <see cref="DefaultMaxBatchTokens"/>, at least max_length).
    /// </summary>
    public static TokenizerSettings Read(ProcessorOptions options, int minLength)
    {
        var maxLength = options.GetInt("max_length", 512, minLength, MaxLengthLimit);
        var padding = options.GetChoice("padding", "longest", "longest", "max_length");
        var multiple = options.GetInt("pad_to_multiple_of", 1, 1, MaxLengthLimit);
        var batchTokens = options.GetInt("max_batch_tokens", DefaultMaxBatchTokens, 1, MaxBatchTokensLimit);
        if (batchTokens < maxLength)
        {
            options.AddError($"'max_batch_tokens' ({batchTokens}) is below 'max_length' ({maxLength}): one text of max_length tokens must fit; raise max_batch_tokens or lower max_length");
        }

        return new TokenizerSettings(maxLength, padding == "max_length", multiple, batchTokens);
    }

    /// <summary>The padded length for a batch whose longest row has <paramref name="longest"/> tokens.</summary>
    public int PaddedLength(int longest)
    {
        if (PadToMaxLength)
        {
            return MaxLength;
        }

        // A batch of empty strings still gets one (padding) column: models refuse a zero-length axis.
        var length = Math.Max(longest, 1);
        var rounded = (length + PadToMultipleOf - 1) / PadToMultipleOf * PadToMultipleOf;
        return Math.Min(rounded, Math.Max(MaxLength, length));
    }
}
