namespace Maas.Generation;

/// <summary>What a language model's file says about it, and how the engine serves it.</summary>
public sealed record LanguageModelInfo
{
    /// <summary>e.g. <c>llama</c> (GGUF <c>general.architecture</c>).</summary>
    public required string Architecture { get; init; }

    /// <summary>Parameters in the weights.</summary>
    public required long Parameters { get; init; }

    /// <summary>Weight format, e.g. <c>F32</c>, <c>Q4_0</c> (GGUF <c>general.file_type</c>).</summary>
    public required string Quantization { get; init; }

    /// <summary>Tokens one sequence may hold (prompt + generated) as served.</summary>
    public required int ContextLength { get; init; }

    /// <summary>Context length the model was trained for.</summary>
    public required int TrainedContextLength { get; init; }

    /// <summary>Tokens in the vocabulary.</summary>
    public required int VocabularySize { get; init; }

    /// <summary>Sequences decoded together at most.</summary>
    public required int MaxSequences { get; init; }

    /// <summary>Size of the weights in bytes.</summary>
    public required long SizeBytes { get; init; }
}
