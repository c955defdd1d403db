namespace Maas.Pipelines.Processors.Text;

/// <summary>Creates <c>mean_pool</c> steps. Option: <c>normalize</c> (default true: unit L2 length).</summary>
internal sealed class MeanPoolFactory : IProcessorFactory
{
    /// <inheritdoc/>
    public string Kind => "mean_pool";

    /// <inheritdoc/>
    public Processor Create(ProcessorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var normalize = options.GetBool("normalize", true);
        options.ThrowIfInvalid(Kind);
        return new MeanPoolProcessor(normalize);
    }
}
