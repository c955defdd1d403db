using Microsoft.ML.Tokenizers;

namespace Maas.Pipelines.Processors.Text;

/// <summary>
/// <c>bpe_tokenizer</c>: byte-level BPE (GPT-2, RoBERTa style) from vocab.json and merges.txt.
/// Adds no special tokens; truncates to max_length and pads with pad_id.
/// </summary>
internal sealed class BpeTokenizerProcessor : TokenizerProcessor
{
    private readonly BpeTokenizer _tokenizer;

    /// <summary>Wraps a loaded tokenizer, which every request then uses at once (the tests run it from many threads).</summary>
    /// <param name="tokenizer">The byte-level BPE tokenizer.</param>
    /// <param name="settings">Length and padding.</param>
    /// <param name="padId">The id written into padding positions (their attention_mask is 0).</param>
    public BpeTokenizerProcessor(BpeTokenizer tokenizer, TokenizerSettings settings, int padId)
        : base(settings, padId) => _tokenizer = tokenizer;

    /// <inheritdoc/>
    protected override IReadOnlyList<int> Encode(string text, int maxLength) =>
        _tokenizer.EncodeToIds(text, maxLength, out _, out _);
}
