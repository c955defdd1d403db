namespace Maas.Pipelines.Execution;

/// <summary>One resolved step of a pipeline: reads tensors of the run, writes new ones.</summary>
internal abstract class PipelineStep
{
    protected PipelineStep(string name, IReadOnlyDictionary<string, string> inputs, IReadOnlyDictionary<string, string> outputs)
    {
        Name = name;
        Inputs = inputs;
        Outputs = outputs;
    }

    /// <summary>The step's name.</summary>
    public string Name { get; }

    /// <summary>Port → pipeline tensor read.</summary>
    public IReadOnlyDictionary<string, string> Inputs { get; }

    /// <summary>Port → pipeline tensor written.</summary>
    public IReadOnlyDictionary<string, string> Outputs { get; }

    public abstract ValueTask RunAsync(PipelineRun run);
}
