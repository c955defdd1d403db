namespace Maas.Generation;

/// <summary>
/// A loaded language model that generates text (implemented by a backend's <see cref="Models.IModel"/>).
/// Thread-safe.
/// </summary>
public interface ITextGenerator
{
    /// <summary>What the model file says about itself.</summary>
    LanguageModelInfo Info { get; }

    /// <summary>
    /// Validates, renders and tokenizes the request and admits it to the engine's queue. Throws
    /// <see cref="Errors.MaasError"/>: InvalidArgument (prompt longer than the context, bad
    /// sampling values), ResourceExhausted (queue full). The caller owns the returned stream.
    /// <paramref name="cancellationToken"/> cancels the sequence (e.g. the client disconnected).
    /// </summary>
    GenerationSession Submit(GenerationRequest request, CancellationToken cancellationToken);
}
