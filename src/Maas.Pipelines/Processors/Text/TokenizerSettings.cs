namespace Maas.Pipelines.Processors.Text;

/// <summary>The length and padding options every tokenizer step shares.</summary>
/// <param name="MaxLength">Most tokens per string, special tokens included; longer text is truncated.</param>
/// <param name="PadToMaxLength">True pads every row to <paramref name="MaxLength"/>; false to the batch's longest row.</param>
internal sealed record TokenizerSettings(int MaxLength, bool PadToMaxLength)
{
    /// <summary>The largest <c>max_length</c> accepted (outputs are [batch, length], so this bounds their size).</summary>
    public const int MaxLengthLimit = 8192;

    /// <summary>Reads <c>max_length</c> (default 512) and <c>padding</c> ("longest", the default, or "max_length").</summary>
    public static TokenizerSettings Read(ProcessorOptions options, int minLength)
    {
        var maxLength = options.GetInt("max_length", 512, minLength, MaxLengthLimit);
        var padding = options.GetChoice("padding", "longest", "longest", "max_length");
        return new TokenizerSettings(maxLength, padding == "max_length");
    }
}
