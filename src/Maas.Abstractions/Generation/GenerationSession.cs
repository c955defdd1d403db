using System.Threading.Channels;

namespace Maas.Generation;

/// <summary>
/// An admitted generation: its prompt size and the chunks as the engine produces them (the last
/// one carries the finish reason; an engine failure completes the reader with a
/// <see cref="Errors.MaasError"/>). The caller owns the stream and disposes it when done or when
/// its client leaves; disposing early cancels the sequence and frees its slot and KV cache.
/// </summary>
public sealed class GenerationSession : IDisposable
{
    private readonly CancellationTokenSource _cancel;

    /// <summary>Created by an engine; <paramref name="cancel"/> is signalled on dispose.</summary>
    public GenerationSession(int promptTokens, ChannelReader<GenerationChunk> chunks, CancellationTokenSource cancel)
    {
        PromptTokens = promptTokens;
        Chunks = chunks;
        _cancel = cancel;
    }

    /// <summary>Tokens in the rendered prompt.</summary>
    public int PromptTokens { get; }

    /// <summary>The chunks, in order.</summary>
    public ChannelReader<GenerationChunk> Chunks { get; }

    /// <summary>Cancels the sequence if it is still running. Call once.</summary>
    public void Dispose()
    {
        // The engine only reads the token (IsCancellationRequested), which stays valid after dispose.
        _cancel.Cancel();
        _cancel.Dispose();
    }
}
