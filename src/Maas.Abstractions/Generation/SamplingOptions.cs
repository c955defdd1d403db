namespace Maas.Generation;

/// <summary>
/// How the next token is chosen from the model's logits. Temperature 0 is greedy (argmax) and
/// deterministic; otherwise the draw is seeded by <see cref="Seed"/> when given.
/// </summary>
public sealed record SamplingOptions
{
    /// <summary>Defaults: temperature 1, no truncation, no penalties, unseeded.</summary>
    public static SamplingOptions Default { get; } = new();

    /// <summary>Divides the logits; 0 picks the most likely token. 0 to 2.</summary>
    public float Temperature { get; init; } = 1f;

    /// <summary>Nucleus sampling: keep the smallest set whose probability reaches this. (0, 1].</summary>
    public float TopP { get; init; } = 1f;

    /// <summary>Keep only the K most likely tokens; 0 keeps all.</summary>
    public int TopK { get; init; }

    /// <summary>Drop tokens less likely than this fraction of the most likely one. [0, 1].</summary>
    public float MinP { get; init; }

    /// <summary>Seed of the draw; null draws a fresh seed per request.</summary>
    public long? Seed { get; init; }

    /// <summary>llama.cpp-style repetition penalty on tokens already seen (1 = none). (0, 10].</summary>
    public float RepetitionPenalty { get; init; } = 1f;

    /// <summary>OpenAI presence penalty: subtracted once from every generated token's logit. [-2, 2].</summary>
    public float PresencePenalty { get; init; }

    /// <summary>OpenAI frequency penalty: subtracted per occurrence of a generated token. [-2, 2].</summary>
    public float FrequencyPenalty { get; init; }
}
