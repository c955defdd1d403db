namespace Maas.Models;

/// <summary>Everything a backend needs to load one model version.</summary>
/// <param name="ModelName">The repository name of the model.</param>
/// <param name="Version">The version number (the directory name).</param>
/// <param name="ModelPath">Full path of the model file, e.g. <c>.../3/model.onnx</c>; for a pipeline, the version folder.</param>
/// <param name="Engine">Engine settings.</param>
public sealed record ModelLoadContext(string ModelName, long Version, string ModelPath, EngineOptions Engine)
{
    /// <summary>Language-model settings (config.json <c>llm</c>); null when the config has none.</summary>
    public Generation.LanguageModelOptions? LanguageModel { get; init; }

    /// <summary>The <c>pipeline</c> object of config.json as JSON text; null for a model that is not a pipeline.</summary>
    public string? Pipeline { get; init; }
}
