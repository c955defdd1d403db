namespace Maas.Generation;

/// <summary>
/// The canonical text-generation request every frontend converts into: either a raw
/// <see cref="Prompt"/> or chat <see cref="Messages"/> (rendered with the model's chat template).
/// </summary>
public sealed record GenerationRequest
{
    /// <summary>The raw prompt (completions); null when <see cref="Messages"/> is set.</summary>
    public string? Prompt { get; init; }

    /// <summary>Chat messages; null when <see cref="Prompt"/> is set.</summary>
    public IReadOnlyList<ChatMessage>? Messages { get; init; }

    /// <summary>Most tokens to generate; null allows up to the end of the context.</summary>
    public int? MaxTokens { get; init; }

    /// <summary>Text that ends the generation; the stop text itself is not returned.</summary>
    public IReadOnlyList<string> Stop { get; init; } = [];

    /// <summary>Sampling; null takes the model's configured defaults.</summary>
    public SamplingOptions? Sampling { get; init; }
}
