using System.Globalization;
using Maas.Core.Inference;
using Maas.Core.Repository;
using Maas.Errors;
using Maas.Inference;
using Maas.Models;

namespace Maas.Core.Lifecycle;

/// <summary>
/// One version of a model as the server holds it: its state, and once ready, the loaded model
/// and the instance that runs it. Owns the model and instance and releases them on dispose.
/// </summary>
public sealed class ModelVersion : IDisposable
{
    private IModel? _model;
    private IModelInstance? _instance;

    internal ModelVersion(string modelName, long version, ModelConfig config)
    {
        ModelName = modelName;
        Version = version;
        VersionText = version.ToString(CultureInfo.InvariantCulture);
        Config = config;
    }

    /// <summary>The model's name.</summary>
    public string ModelName { get; }

    /// <summary>The version number.</summary>
    public long Version { get; }

    /// <summary>The version number as the protocols write it.</summary>
    public string VersionText { get; }

    /// <summary>The configuration this version was loaded with.</summary>
    public ModelConfig Config { get; }

    /// <summary>The current state.</summary>
    public ModelVersionState State { get; private set; } = ModelVersionState.Loading;

    /// <summary>Why the version is unavailable; null otherwise.</summary>
    public string? Reason { get; private set; }

    /// <summary>The signature; null until the version has loaded.</summary>
    public ModelMetadata? Metadata => _model?.Metadata;

    /// <summary>
    /// Validates and runs a request on this version. The caller keeps ownership of the request
    /// and owns the returned response. Throws <see cref="MaasError"/> for bad input or state.
    /// </summary>
    public InferenceResponse Infer(InferenceRequest request, CancellationToken cancellationToken)
    {
        var instance = _instance;
        var metadata = _model?.Metadata;
        if (State != ModelVersionState.Ready || instance is null || metadata is null)
        {
            throw MaasError.Unavailable($"Model '{ModelName}' version {VersionText} is not ready ({State}{(Reason is null ? "" : ": " + Reason)}).");
        }

        var outputs = RequestValidator.Validate(ModelName, metadata, request);
        var response = instance.Run(request, outputs, VersionText, cancellationToken);
        response.Id = request.Id;
        return response;
    }

    internal void MarkReady(IModel model, IModelInstance instance)
    {
        _model = model;
        _instance = instance;
        State = ModelVersionState.Ready;
        Reason = null;
    }

    internal void MarkUnavailable(string reason)
    {
        State = ModelVersionState.Unavailable;
        Reason = reason;
    }

    /// <summary>Releases the instance and the model.</summary>
    public void Dispose()
    {
        State = ModelVersionState.Unloading;
        Interlocked.Exchange(ref _instance, null)?.Dispose();
        Interlocked.Exchange(ref _model, null)?.Dispose();
        State = ModelVersionState.Unavailable;
        Reason ??= "unloaded";
    }
}
