namespace Maas.Pipelines.Processors;

/// <summary>
/// A built-in pipeline step configured from config.json (a tokenizer with its vocabulary, an
/// image resize with its size, ...). Created once per loaded pipeline version and shared by all
/// its requests: <see cref="Run"/> must be thread-safe; per-sequence state lives in
/// <see cref="ProcessorContext.Sequence"/>, never in fields.
/// </summary>
public abstract class Processor
{
    /// <summary>Inputs in a stable order (required ones must be wired).</summary>
    public abstract IReadOnlyList<Port> Inputs { get; }

    /// <summary>Outputs in a stable order.</summary>
    public abstract IReadOnlyList<Port> Outputs { get; }

    /// <summary>
    /// Reads the inputs from <paramref name="context"/> and writes every output that is wired.
    /// Throws <see cref="Errors.MaasError"/> InvalidArgument (with what was wrong, the limit and
    /// the fix) for bad client data, such as an undecodable image; never for a server fault.
    /// </summary>
    public abstract void Run(ProcessorContext context);
}
