namespace Maas.Benchmarks.Embed;

/// <summary>
/// The sentences the closed-loop clients send, one per client (client i sends sentence i % n,
/// the same one every time). The scheduler batches only requests whose tensors have the same
/// shape, and the pipeline pads each request to its longest text rounded up to a multiple of 16
/// (pad_to_multiple_of), so only requests of one 16-token bucket can share an engine run.
/// </summary>
internal static class Sentences
{
    /// <summary>The published reference: its embedding starts 0.067657, 0.063496, 0.048713 (7 tokens).</summary>
    public const string Reference = "This is an example sentence";

    /// <summary>
    /// Four sentences of 16 tokens each ([CLS] and [SEP] included; checked at start): every request
    /// has the shape [1, 16], so any of them can batch together, and the in-process batch wastes
    /// nothing on padding — the same work on both sides (and the length of P4's MiniLM input).
    /// </summary>
    public static readonly string[] SameLength =
    [
        "The quick brown fox jumps over the lazy dog near the river bank.",
        "A model server answers many requests at once by batching them together.",
        "Search engines turn each sentence into a vector of numbers for ranking results.",
        "Heavy rain is expected across the north of the country later this week.",
    ];

    /// <summary>
    /// Four sentences of different token counts (printed at start): requests batch only with
    /// requests of the same sentence; the in-process batch pads all to the longest.
    /// </summary>
    public static readonly string[] Mixed =
    [
        "This is an example sentence",
        "A model server answers many requests at once by batching them together.",
        "Rain is expected across the north of the country later this week, with strong winds near the coast.",
        "How do I reset my password?",
    ];
}
