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
    protected override IReadOnlyList<int> Encode(string text, int maxLength)
    {
        // The library's own limit drops a whole word whose pieces do not all fit; HuggingFace
        // truncates between pieces. So encode a word's worth more (a word has at most
        // MaxInputCharsPerWord pieces), cut at the limit, and add [CLS] and [SEP] here.
        var room = maxLength - 2;
        var ids = _tokenizer.EncodeToIds(BertTextCleaner.Clean(text, stripAccents: _lowercase), room + _tokenizer.MaxInputCharsPerWord, addSpecialTokens: false, out _, out _);
        var kept = Math.Min(ids.Count, room);
        var row = new int[kept + 2];
        row[0] = _tokenizer.ClassificationTokenId;
        for (var i = 0; i < kept; i++)
        {
            row[i + 1] = ids[i];
        }

        row[^1] = _tokenizer.SeparatorTokenId;
        return row;
    }
}
