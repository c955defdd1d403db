namespace Maas.Generation;

/// <summary>
/// A piece of a generation: new text (may be empty while a possible stop sequence or an
/// incomplete UTF-8 character is held back), the tokens generated so far, and on the last chunk
/// the finish reason.
/// </summary>
/// <param name="Text">Text produced since the previous chunk.</param>
/// <param name="CompletionTokens">Tokens generated so far, including this chunk's.</param>
/// <param name="Finish">Set on the last chunk only.</param>
public readonly record struct GenerationChunk(string Text, int CompletionTokens, FinishReason? Finish)
{
    /// <summary>Prompt tokens whose KV came from the prompt-prefix cache instead of being prefilled (same on every chunk).</summary>
    public int CachedPromptTokens { get; init; }
}
