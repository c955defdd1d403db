using System.Text;
using System.Threading.Channels;
using Maas.Generation;

namespace Maas.Backends.Llama;

/// <summary>
/// One admitted generation as the decode loop sees it: its prompt, how much of it is in the KV
/// cache, its sampler and stop matcher, and the channel its chunks go to. Touched only by the
/// decode loop after admission.
/// </summary>
internal sealed class LlamaSequence
{
    private readonly Decoder _utf8 = Encoding.UTF8.GetDecoder();
    private readonly char[] _chars = new char[64];

    public LlamaSequence(int[] prompt, int maxTokens, SamplingOptions sampling, IReadOnlyList<string> stops, CancellationToken cancellation)
    {
        Prompt = prompt;
        MaxTokens = maxTokens;
        Sampler = new TokenSampler(sampling, prompt);
        Stops = new StopMatcher(stops);
        Cancellation = cancellation;
        Output = Channel.CreateUnbounded<GenerationChunk>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        EnqueuedAt = System.Diagnostics.Stopwatch.GetTimestamp();
    }

    public int[] Prompt { get; }

    public int MaxTokens { get; }

    public TokenSampler Sampler { get; }

    public StopMatcher Stops { get; }

    public CancellationToken Cancellation { get; }

    public Channel<GenerationChunk> Output { get; }

    public long EnqueuedAt { get; }

    public long LastTokenAt { get; set; }

    public long FirstTokenAt { get; set; }

    /// <summary>The llama.cpp sequence id (slot) while admitted; -1 before.</summary>
    public int SlotId { get; set; } = -1;

    /// <summary>Prompt tokens already decoded into the KV cache.</summary>
    public int Prefilled { get; set; }

    /// <summary>Prompt tokens whose KV was copied from another sequence instead of prefilled.</summary>
    public int CachedTokens { get; set; }

    /// <summary>Next KV position to write.</summary>
    public int Position { get; set; }

    /// <summary>The last sampled token, decoded in the next step.</summary>
    public int LastToken { get; set; }

    /// <summary>Tokens generated so far.</summary>
    public int Generated { get; set; }

    /// <summary>Index of this sequence's logits in the current batch; -1 when it has none.</summary>
    public int LogitIndex { get; set; } = -1;

    public bool Finished { get; set; }

    public bool InPrefill => Prefilled < Prompt.Length;

    /// <summary>Turns a token's bytes into text, keeping an incomplete UTF-8 character for the next token.</summary>
    public string Decode(ReadOnlySpan<byte> bytes, bool flush)
    {
        var needed = _utf8.GetCharCount(bytes, flush);
        var chars = needed <= _chars.Length ? _chars : new char[needed];
        var written = _utf8.GetChars(bytes, chars, flush);
        return new string(chars, 0, written);
    }
}
