namespace Maas.Pipelines.Processors;

/// <summary>Creates a configured <see cref="Processor"/> from a step's <c>options</c>.</summary>
public interface IProcessorFactory
{
    /// <summary>The name config.json's <c>processor</c> field uses, e.g. <c>wordpiece_tokenizer</c>.</summary>
    string Kind { get; }

    /// <summary>
    /// Builds the processor. Reads every option through <paramref name="options"/>, which reports
    /// unknown or invalid options (and missing files) as one load error naming the step.
    /// </summary>
    Processor Create(ProcessorOptions options);
}
