using Maas.Models;
using Maas.Tensors;

namespace Maas.Server.Frontends.OpenAI;

/// <summary>
/// What makes a model an embedding model for <c>POST /v1/embeddings</c>: one BYTES input (the
/// texts) and an FP32 output <c>embedding</c> of shape [texts, dimensions]; an INT64 output
/// <c>token_count</c>, when present, gives the usage figures. The <c>minilm-embed</c> pipeline
/// has exactly this signature.
/// </summary>
internal sealed record EmbeddingSignature(string TextInput, TensorMetadata Embedding, string? TokenCount)
{
    public const string EmbeddingOutput = "embedding";
    public const string TokenCountOutput = "token_count";

    /// <summary>The signature's embedding roles, or null when <paramref name="metadata"/> is not an embedding model.</summary>
    public static EmbeddingSignature? Find(ModelMetadata metadata)
    {
        if (metadata.Inputs is not [{ DataType: DataType.Bytes, Shape.Rank: 1 } text])
        {
            return null;
        }

        var embedding = metadata.FindOutput(EmbeddingOutput);
        if (embedding is not { DataType: DataType.Fp32, Shape.Rank: 2 })
        {
            return null;
        }

        var tokens = metadata.FindOutput(TokenCountOutput);
        return new EmbeddingSignature(text.Name, embedding, tokens is { DataType: DataType.Int64 } ? tokens.Name : null);
    }

    /// <summary>Why a model is not an embedding model, for the error message.</summary>
    public static string Requirement =>
        $"an embedding model has one BYTES input (the texts) and an FP32 output '{EmbeddingOutput}' [texts, dimensions], such as a pipeline of a tokenizer, a sentence encoder and mean_pool (docs/pipelines/minilm-embed.md)";
}
