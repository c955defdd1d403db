namespace Maas.Client;

/// <summary>The answer to an <see cref="InferRequest"/>.</summary>
public sealed class InferResult
{
    /// <summary>Creates a result.</summary>
    public InferResult(string modelName, string modelVersion, string? id, IReadOnlyList<InferTensor> outputs)
    {
        ModelName = modelName;
        ModelVersion = modelVersion;
        Id = id;
        Outputs = outputs;
    }

    /// <summary>The model that ran.</summary>
    public string ModelName { get; }

    /// <summary>The version that ran.</summary>
    public string ModelVersion { get; }

    /// <summary>The request's id, echoed; null when it had none.</summary>
    public string? Id { get; }

    /// <summary>The outputs in the order the server sent them.</summary>
    public IReadOnlyList<InferTensor> Outputs { get; }

    /// <summary>The output called <paramref name="name"/>.</summary>
    public InferTensor Output(string name) =>
        Outputs.FirstOrDefault(o => o.Name == name)
        ?? throw new KeyNotFoundException($"The answer has no output '{name}'; it has {string.Join(", ", Outputs.Select(o => o.Name))}.");
}
