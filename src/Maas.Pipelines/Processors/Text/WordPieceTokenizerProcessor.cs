using Microsoft.ML.Tokenizers;

namespace Maas.Pipelines.Processors.Text;

/// <summary>
/// <c>wordpiece_tokenizer</c>: BERT WordPiece tokenization, as HuggingFace's BertTokenizer does
/// it: [CLS] tokens [SEP], truncated to max_length, padded with [PAD].
/// </summary>
internal sealed class WordPieceTokenizerProcessor : TokenizerProcessor
{
    private readonly BertTokenizer _tokenizer;
    private readonly bool _lowercase;

    /// <summary>Wraps a loaded tokenizer, which every request then uses at once (the tests run it from many threads).</summary>
    /// <param name="tokenizer">The tokenizer, created with the same <paramref name="lowercase"/>.</param>
    /// <param name="lowercase">True for uncased vocabularies: the text is lowercased and its accents stripped.</param>
    /// <param name="settings">Length and padding.</param>
    public WordPieceTokenizerProcessor(BertTokenizer tokenizer, bool lowercase, TokenizerSettings settings)
        : base(settings, tokenizer.PaddingTokenId)
    {
        _tokenizer = tokenizer;
        _lowercase = lowercase;
    }

    /// <inheritdoc/>
    protected override IReadOnlyList<int> Encode(string text, int maxLength) =>
        _tokenizer.EncodeToIds(BertTextCleaner.Clean(text, stripAccents: _lowercase), maxLength, out _, out _);
}
