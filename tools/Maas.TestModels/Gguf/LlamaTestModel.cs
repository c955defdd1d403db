namespace Maas.TestModels.Gguf;

/// <summary>Shapes of a generated llama-architecture GGUF.</summary>
public sealed record LlamaShape
{
    /// <summary>The tiny test model: 2 layers, 64 wide; about 13 MB in F32 with GPT-2's vocabulary.</summary>
    public static LlamaShape Tiny { get; } = new();

    /// <summary>TinyLlama 1.1B's shapes (for benchmarks; quantize the F32 file to Q4_0).</summary>
    public static LlamaShape TinyLlama { get; } = new() { Layers = 22, Embedding = 2048, FeedForward = 5632, Heads = 32, KvHeads = 4, TiedOutput = false };

    public int Layers { get; init; } = 2;
    public int Embedding { get; init; } = 64;
    public int FeedForward { get; init; } = 128;
    public int Heads { get; init; } = 4;
    public int KvHeads { get; init; } = 2;
    public int ContextLength { get; init; } = 2048;
    public bool TiedOutput { get; init; } = true;
}

/// <summary>
/// Generates a llama-architecture GGUF with seeded random weights, GPT-2's real BPE vocabulary
/// (plus ChatML's two control tokens) and a ChatML chat template in its metadata. Its text is
/// meaningless by design; every serving mechanism works on it. The output rows of the special
/// tokens are zero, so greedy decoding never picks end-of-sequence and lengths are predictable.
/// </summary>
public static class LlamaTestModel
{
    /// <summary>The ChatML template written to <c>tokenizer.chat_template</c>.</summary>
    public const string ChatTemplate =
        "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}"
        + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    private static readonly Lazy<Gpt2Vocabulary> Vocabulary = new(Gpt2Vocabulary.Load);

    /// <summary>Writes the model to <paramref name="path"/> (deterministic for a seed).</summary>
    public static void Write(string path, LlamaShape? shape = null, int seed = 1234)
    {
        shape ??= LlamaShape.Tiny;
        var vocab = Vocabulary.Value;
        var tokens = new List<string>(vocab.Tokens) { "<|im_start|>", "<|im_end|>" };
        var endOfText = vocab.Tokens.Count - 1;
        var types = new int[tokens.Count];
        Array.Fill(types, 1);
        for (var i = endOfText; i < tokens.Count; i++)
        {
            types[i] = 3;
        }

        var n = shape.Embedding;
        var headDim = n / shape.Heads;
        var kv = headDim * shape.KvHeads;
        var writer = new GgufWriter()
            .Add("general.architecture", "llama")
            .Add("general.name", "maas-generated-llama")
            .Add("general.file_type", 0u)
            .Add("llama.context_length", (uint)shape.ContextLength)
            .Add("llama.embedding_length", (uint)n)
            .Add("llama.block_count", (uint)shape.Layers)
            .Add("llama.feed_forward_length", (uint)shape.FeedForward)
            .Add("llama.attention.head_count", (uint)shape.Heads)
            .Add("llama.attention.head_count_kv", (uint)shape.KvHeads)
            .Add("llama.rope.dimension_count", (uint)headDim)
            .Add("llama.attention.layer_norm_rms_epsilon", 1e-5f)
            .Add("llama.vocab_size", (uint)tokens.Count)
            .Add("tokenizer.ggml.model", "gpt2")
            .Add("tokenizer.ggml.pre", "gpt-2")
            .Add("tokenizer.ggml.tokens", tokens)
            .Add("tokenizer.ggml.token_type", types)
            .Add("tokenizer.ggml.merges", vocab.Merges)
            .Add("tokenizer.ggml.bos_token_id", (uint)endOfText)
            .Add("tokenizer.ggml.eos_token_id", (uint)endOfText)
            .Add("tokenizer.ggml.add_bos_token", false)
            .Add("tokenizer.chat_template", ChatTemplate);

        var random = new Random(seed);
        var embedding = Random(random, tokens.Count * n, 1.0f);
        Array.Clear(embedding, endOfText * n, (tokens.Count - endOfText) * n);
        writer.AddTensor("token_embd.weight", embedding, (ulong)n, (ulong)tokens.Count);
        writer.AddTensor("output_norm.weight", Ones(n), (ulong)n);
        if (!shape.TiedOutput)
        {
            var output = Random(random, tokens.Count * n, 1.0f / MathF.Sqrt(n));
            Array.Clear(output, endOfText * n, (tokens.Count - endOfText) * n);
            writer.AddTensor("output.weight", output, (ulong)n, (ulong)tokens.Count);
        }

        var scale = 1.0f / MathF.Sqrt(n);
        for (var layer = 0; layer < shape.Layers; layer++)
        {
            var p = $"blk.{layer}.";
            writer.AddTensor(p + "attn_norm.weight", Ones(n), (ulong)n);
            writer.AddTensor(p + "attn_q.weight", Random(random, n * n, scale), (ulong)n, (ulong)n);
            writer.AddTensor(p + "attn_k.weight", Random(random, n * kv, scale), (ulong)n, (ulong)kv);
            writer.AddTensor(p + "attn_v.weight", Random(random, n * kv, scale), (ulong)n, (ulong)kv);
            writer.AddTensor(p + "attn_output.weight", Random(random, n * n, scale), (ulong)n, (ulong)n);
            writer.AddTensor(p + "ffn_norm.weight", Ones(n), (ulong)n);
            writer.AddTensor(p + "ffn_gate.weight", Random(random, n * shape.FeedForward, scale), (ulong)n, (ulong)shape.FeedForward);
            writer.AddTensor(p + "ffn_up.weight", Random(random, n * shape.FeedForward, scale), (ulong)n, (ulong)shape.FeedForward);
            writer.AddTensor(p + "ffn_down.weight", Random(random, shape.FeedForward * n, 1.0f / MathF.Sqrt(shape.FeedForward)), (ulong)shape.FeedForward, (ulong)n);
        }

        writer.Save(path);
    }

    private static float[] Ones(int count)
    {
        var values = new float[count];
        Array.Fill(values, 1f);
        return values;
    }

    private static float[] Random(Random random, int count, float scale)
    {
        var values = new float[count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = ((float)random.NextDouble() * 2f - 1f) * scale;
        }

        return values;
    }
}
