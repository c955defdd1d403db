namespace Maas.Generation;

/// <summary>Why a generation ended.</summary>
public enum FinishReason
{
    /// <summary>End of sequence token or a stop sequence.</summary>
    Stop,

    /// <summary><c>max_tokens</c> or the end of the context.</summary>
    Length,
}
