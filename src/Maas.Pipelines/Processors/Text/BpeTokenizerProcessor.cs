using Maas.Tensors;
using Microsoft.ML.Tokenizers;

namespace Maas.Pipelines.Processors.Text;

/// <summary>
/// <c>bpe_tokenizer</c>: byte-level BPE (GPT-2, RoBERTa style) from vocab.json and merges.txt.
/// Adds no special tokens; truncates to max_length and pads with pad_id.
/// </summary>
internal sealed class BpeTokenizerProcessor : Processor
{
    private static readonly Port[] InputPorts = [new("text", DataType.Bytes)];

    private readonly BpeTokenizer _tokenizer;
    private readonly TokenizerSettings _settings;
    private readonly int _padId;

    /// <summary>Wraps a loaded tokenizer, which every request then uses at once (the tests run it from many threads).</summary>
    /// <param name="tokenizer">The byte-level BPE tokenizer.</param>
    /// <param name="settings">Length and padding.</param>
    /// <param name="padId">The id written into padding positions (their attention_mask is 0).</param>
    public BpeTokenizerProcessor(BpeTokenizer tokenizer, TokenizerSettings settings, int padId)
    {
        _tokenizer = tokenizer;
        _settings = settings;
        _padId = padId;
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
            rows[i] = _tokenizer.EncodeToIds(texts[i], _settings.MaxLength, out _, out _);
        }

        TokenBatch.Write(context, rows, _settings, _padId);
    }
}
