namespace Maas.Generation;

/// <summary>
/// Settings of a language model (config.json <c>llm</c> section). Every field is optional.
/// </summary>
public sealed record LanguageModelOptions
{
    /// <summary>Tokens per sequence (prompt + output); default the model's trained context, at most 4096.</summary>
    public int? ContextLength { get; init; }

    /// <summary>Sequences decoded in one batch (slots), 1 to 256. Default 4.</summary>
    public int MaxSequences { get; init; } = 4;

    /// <summary>Engine threads; null uses the engine option (cores ÷ instances).</summary>
    public int? Threads { get; init; }

    /// <summary>Most tokens in one decode step; long prompts are prefilled in chunks of this. Default 512.</summary>
    public int BatchSize { get; init; } = 512;

    /// <summary>
    /// Most prompt tokens prefilled in one step while other sequences are generating, so their
    /// streams keep flowing (a lone prompt is prefilled <see cref="BatchSize"/> at a time). Default 32.
    /// </summary>
    public int PrefillChunk { get; init; } = 32;

    /// <summary>Requests waiting for a slot at most; more are refused (429). Default 64.</summary>
    public int MaxQueue { get; init; } = 64;

    /// <summary>
    /// Prompt tokens of finished requests whose KV stays in spare sequence slots, so a later
    /// prompt starting with the same tokens (the same system prompt, say) prefills only the rest;
    /// least recently used prefixes go first, and a request needing a slot always wins over a
    /// kept prefix. 0 turns the prompt-prefix cache off. Default 4096, at most 1,048,576.
    /// </summary>
    public int PrefixCacheTokens { get; init; } = 4096;

    /// <summary>A chat template that replaces the one in the model's metadata.</summary>
    public string? ChatTemplate { get; init; }

    /// <summary>Tokens generated when a request names no max_tokens; null runs to the end of the context.</summary>
    public int? DefaultMaxTokens { get; init; }

    /// <summary>Sampling used where a request says nothing.</summary>
    public SamplingOptions DefaultSampling { get; init; } = SamplingOptions.Default;
}
