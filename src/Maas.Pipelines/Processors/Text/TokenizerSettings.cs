namespace Maas.Pipelines.Processors.Text;

/// <summary>The length and padding options every tokenizer step shares.</summary>
/// <param name="MaxLength">Most tokens per string, special tokens included; longer text is truncated.</param>
/// <param name="PadToMaxLength">True pads every row to <paramref name="MaxLength"/>; false to the batch's longest row.</param>
/// <param name="PadToMultipleOf">
/// The padded length is rounded up to a multiple of this (1: not rounded), capped at
/// <paramref name="MaxLength"/>. Requests of similar length then share a shape, which is what the
/// scheduler needs to batch them; the attention mask keeps the result the same.
/// </param>
internal sealed record TokenizerSettings(int MaxLength, bool PadToMaxLength, int PadToMultipleOf = 1)
{
    /// <summary>The largest <c>max_length</c> accepted (outputs are [batch, length], so this bounds their size).</summary>
    public const int MaxLengthLimit = 8192;

    /// <summary>
    /// Reads <c>max_length</c> (default 512), <c>padding</c> ("longest", the default, or
    /// "max_length") and <c>pad_to_multiple_of</c> (default 1).
    /// </summary>
    public static TokenizerSettings Read(ProcessorOptions options, int minLength)
    {
        var maxLength = options.GetInt("max_length", 512, minLength, MaxLengthLimit);
        var padding = options.GetChoice("padding", "longest", "longest", "max_length");
        var multiple = options.GetInt("pad_to_multiple_of", 1, 1, MaxLengthLimit);
        return new TokenizerSettings(maxLength, padding == "max_length", multiple);
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
