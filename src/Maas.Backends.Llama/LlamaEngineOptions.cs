namespace Maas.Backends.Llama;

/// <summary>Resolved limits of one engine.</summary>
/// <param name="MaxSequences">Slots: sequences decoded together.</param>
/// <param name="ContextLength">Tokens one sequence may hold.</param>
/// <param name="BatchSize">Most tokens in one decode step (prefill chunk size).</param>
/// <param name="MaxQueue">Admitted requests waiting for a slot at most.</param>
/// <param name="PrefillChunk">Most prompt tokens per step while other sequences generate.</param>
/// <param name="PrefixCacheTokens">Prompt tokens of finished sequences kept in spare slots for reuse; 0 keeps none.</param>
internal sealed record LlamaEngineOptions(int MaxSequences, int ContextLength, int BatchSize, int MaxQueue, int PrefillChunk, int PrefixCacheTokens = 0);
