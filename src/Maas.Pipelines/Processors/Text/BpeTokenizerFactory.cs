using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace Maas.Pipelines.Processors.Text;

/// <summary>
/// Creates <c>bpe_tokenizer</c> steps. Options: <c>vocab</c> (file, default "vocab.json"),
/// <c>merges</c> (file, default "merges.txt"), <c>max_length</c> (1 to 8192, default 512),
/// <c>pad_id</c> (default 0), <c>padding</c> ("longest" or "max_length").
/// </summary>
internal sealed partial class BpeTokenizerFactory : IProcessorFactory
{
    /// <inheritdoc/>
    public string Kind => "bpe_tokenizer";

    /// <inheritdoc/>
    public Processor Create(ProcessorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var vocab = options.RequireFile("vocab", "vocab.json");
        var merges = options.RequireFile("merges", "merges.txt");
        var settings = TokenizerSettings.Read(options, minLength: 1);
        var padId = options.GetInt("pad_id", 0, 0, int.MaxValue);
        BpeTokenizer? tokenizer = null;
        if (!options.HasErrors)
        {
            tokenizer = Load(options, vocab, merges);
        }

        options.ThrowIfInvalid(Kind);
        return new BpeTokenizerProcessor(tokenizer!, settings, padId);
    }

    // GPT-2's pre-tokenization: contractions, letter runs, digit runs and other runs, each with
    // the space before it; whitespace before whitespace stays apart.
    [GeneratedRegex(@"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+")]
    private static partial Regex Gpt2Split();

    private static BpeTokenizer? Load(ProcessorOptions options, string vocab, string merges)
    {
        try
        {
            return BpeTokenizer.Create(new BpeOptions(vocab, merges)
            {
                ByteLevel = true,
                PreTokenizer = new RegexPreTokenizer(Gpt2Split(), null),
            });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or FormatException or InvalidOperationException or JsonException)
        {
            options.AddError($"'vocab' {Path.GetFileName(vocab)} and 'merges' {Path.GetFileName(merges)} do not load as byte-level BPE ({e.Message}); vocab.json maps tokens to ids, merges.txt has one 'left right' pair per line");
            return null;
        }
    }
}
