using Maas.Errors;
using Maas.Models;
using Maas.Pipelines.Graph;

namespace Maas.Pipelines.Execution;

/// <summary>
/// The backend of models whose config.json declares a <c>pipeline</c>: reads the graph, resolves
/// its processors and the signatures of the models it calls, checks the wiring, and returns a
/// model that runs requests itself (<see cref="IAsyncModel"/>). Processor files (vocabularies,
/// label and character lists) are looked up in the version folder, then the model folder.
/// </summary>
public sealed class PipelineBackend : IModelBackend
{
    /// <summary>How long a loading pipeline waits for a model it calls that is still loading.</summary>
    public static readonly TimeSpan StepModelWait = TimeSpan.FromSeconds(30);

    private readonly Func<IModelInvoker> _invoker;
    private readonly TimeProvider? _time;

    /// <summary>
    /// Creates the backend. <paramref name="invoker"/> is resolved at load time: the invoker
    /// routes through the model manager that holds this backend.
    /// </summary>
    public PipelineBackend(Func<IModelInvoker> invoker, TimeProvider? time = null)
    {
        _invoker = invoker;
        _time = time;
    }

    /// <inheritdoc/>
    public string Name => "pipeline";

    /// <summary>None: a pipeline is declared in config.json; its version folder holds its files.</summary>
    public string ModelFileName => "";

    /// <inheritdoc/>
    public IModel Load(ModelLoadContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var json = context.Pipeline ?? throw MaasError.InvalidArgument($"model '{context.ModelName}' has no 'pipeline' in config.json");
        var definition = PipelineReader.Read(json);
        var versionFolder = context.ModelPath;
        var modelFolder = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(versionFolder))!;
        var invoker = _invoker();
        var steps = PipelineCompiler.Compile(context.ModelName, definition, invoker, [versionFolder, modelFolder], StepModelWait);
        return new PipelineModel(context.ModelName, definition, steps, invoker, _time);
    }
}
