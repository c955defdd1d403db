using Maas.Tensors;

namespace Maas.Pipelines.Processors.Text;

/// <summary>
/// What every tokenizer step shares: input <c>text</c> (BYTES, one string per element), the
/// padded outputs of <see cref="TokenBatch"/>, truncation to max_length and the token budget. A
/// tokenizer supplies only <see cref="Encode"/>, which every request calls at once (thread-safe).
/// </summary>
internal abstract class TokenizerProcessor : Processor
{
    private static readonly Port[] InputPorts = [new("text", DataType.Bytes)];

    private readonly TokenizerSettings _settings;
    private readonly long _padId;

    /// <param name="settings">Length, padding and the token budget.</param>
    /// <param name="padId">The id written into padding positions (their attention_mask is 0).</param>
    protected TokenizerProcessor(TokenizerSettings settings, long padId)
    {
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
            rows[i] = Encode(texts[i], _settings.MaxLength);
        }

        TokenBatch.Write(context, rows, _settings, _padId);
    }

    /// <summary>The ids of <paramref name="text"/>, special tokens included, at most <paramref name="maxLength"/>.</summary>
    protected abstract IReadOnlyList<int> Encode(string text, int maxLength);
}
