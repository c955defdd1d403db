using Microsoft.ML.Tokenizers;

namespace Maas.Pipelines.Processors.Text;

/// <summary>
/// Creates <c>wordpiece_tokenizer</c> steps. Options: <c>vocab</c> (file, default "vocab.txt"),
/// <c>lowercase</c> (default true), <c>max_length</c> (2 to 8192, default 512, [CLS] and [SEP]
/// included), <c>padding</c> ("longest" or "max_length").
/// </summary>
internal sealed class WordPieceTokenizerFactory : IProcessorFactory
{
    /// <inheritdoc/>
    public string Kind => "wordpiece_tokenizer";

    /// <inheritdoc/>
    public Processor Create(ProcessorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var vocab = options.RequireFile("vocab", "vocab.txt");
        var lowercase = options.GetBool("lowercase", true);
        var settings = TokenizerSettings.Read(options, minLength: 2);
        BertTokenizer? tokenizer = null;
        if (!options.HasErrors)
        {
            tokenizer = Load(options, vocab, lowercase);
        }

        options.ThrowIfInvalid(Kind);
        return new WordPieceTokenizerProcessor(tokenizer!, lowercase, settings);
    }

    private static BertTokenizer? Load(ProcessorOptions options, string vocab, bool lowercase)
    {
        var bertOptions = new BertOptions
        {
            LowerCaseBeforeTokenization = lowercase,
            // Accents are stripped by BertTextCleaner: string.Normalize does nothing under InvariantGlobalization.
            RemoveNonSpacingMarks = false,
            IndividuallyTokenizeCjk = true,
        };
        try
        {
            return BertTokenizer.Create(vocab, bertOptions);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or FormatException or InvalidOperationException)
        {
            options.AddError($"'vocab' file {Path.GetFileName(vocab)} is not a WordPiece vocabulary ({e.Message}); it needs one token per line including [UNK], [CLS], [SEP], [PAD] and [MASK]");
            return null;
        }
    }
}
