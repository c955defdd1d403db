namespace Maas.Client;

/// <summary>One inference: the model, its inputs, and optionally which outputs to return.</summary>
public sealed class InferRequest
{
    /// <summary>A request for <paramref name="modelName"/> (at <paramref name="modelVersion"/>, or the server's default version).</summary>
    public InferRequest(string modelName, string? modelVersion = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelName);
        ModelName = modelName;
        ModelVersion = modelVersion;
    }

    /// <summary>The model to run.</summary>
    public string ModelName { get; }

    /// <summary>The version to run; null lets the server choose.</summary>
    public string? ModelVersion { get; }

    /// <summary>An id the server echoes in its answer.</summary>
    public string? Id { get; set; }

    /// <summary>The inputs, by name.</summary>
    public IList<InferTensor> Inputs { get; } = [];

    /// <summary>The outputs to return; empty returns every output.</summary>
    public IList<string> Outputs { get; } = [];

    /// <summary>Request parameters (bool, long, double or string), e.g. <c>priority</c> and <c>timeout</c> (µs).</summary>
    public IDictionary<string, object> Parameters { get; } = new Dictionary<string, object>(StringComparer.Ordinal);

    /// <summary>Adds an input and returns this request, for chaining.</summary>
    public InferRequest WithInput(InferTensor input)
    {
        Inputs.Add(input);
        return this;
    }
}
