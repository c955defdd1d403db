using Maas.Tensors;
using Microsoft.ML.Tokenizers;

namespace Maas.Pipelines.Processors.Text;

/// <summary>
/// <c>wordpiece_tokenizer</c>: BERT WordPiece tokenization, as HuggingFace's BertTokenizer does
/// it: [CLS] tokens [SEP], truncated to max_length, padded with [PAD].
/// </summary>
internal sealed class WordPieceTokenizerProcessor : Processor
{
    private static readonly Port[] InputPorts = [new("text", DataType.Bytes)];

    private readonly BertTokenizer _tokenizer;
    private readonly bool _lowercase;
    private readonly TokenizerSettings _settings;

    /// <summary>Wraps a loaded tokenizer, which every request then uses at once (the tests run it from many threads).</summary>
    /// <param name="tokenizer">The tokenizer, created with the same <paramref name="lowercase"/>.</param>
    /// <param name="lowercase">True for uncased vocabularies: the text is lowercased and its accents stripped.</param>
    /// <param name="settings">Length and padding.</param>
    public WordPieceTokenizerProcessor(BertTokenizer tokenizer, bool lowercase, TokenizerSettings settings)
    {
        _tokenizer = tokenizer;
        _lowercase = lowercase;
        _settings = settings;
    }

    /// <inheritdoc/>
    public override IReadOnlyList<Port> Inputs => InputPorts;

    /// <inheritdoc/>
    public override IReadOnlyList<Port> Outputs => TokenBatch.Outputs;

    /// <inheritdoc/>
    public override void Run(ProcessorContext context)
    {
        var texts = TextInput.Read(context, "text");
        var rows = new IReadOnlyList<int>[texts.Length];
        for (var i = 0; i < texts.Length; i++)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            var text = BertTextCleaner.Clean(texts[i], stripAccents: _lowercase);
            rows[i] = _tokenizer.EncodeToIds(text, _settings.MaxLength, out _, out _);
        }

        TokenBatch.Write(context, rows, _settings, _tokenizer.PaddingTokenId);
    }
}
