using Microsoft.Extensions.Logging;

namespace Maas.Core.Lifecycle;

/// <summary>Log messages of the model lifecycle. Event ids 1000–1099 are reserved for this area.</summary>
internal static partial class LifecycleLog
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Scanning model repository {Root}: {Count} model folder(s)")]
    public static partial void Scanning(ILogger logger, string root, int count);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Loaded model {Model} version {Version} ({Backend}) in {Milliseconds} ms")]
    public static partial void VersionLoaded(ILogger logger, string model, long version, string backend, long milliseconds);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Error, Message = "Model {Model} version {Version} failed to load: {Reason}")]
    public static partial void VersionFailed(ILogger logger, string model, long version, string reason);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Error, Message = "Model {Model} cannot be served: {Reason}")]
    public static partial void ModelFailed(ILogger logger, string model, string reason);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "Repository loaded: {Ready} of {Total} model(s) fully ready")]
    public static partial void RepositoryLoaded(ILogger logger, int ready, int total);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Information, Message = "Unloading model {Model} version {Version}")]
    public static partial void Unloading(ILogger logger, string model, long version);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Warning, Message = "Model {Model} keeps serving its loaded versions; the change failed: {Reason}")]
    public static partial void ReloadFailed(ILogger logger, string model, string reason);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Information, Message = "Model {Model} unloaded ({Reason})")]
    public static partial void ModelUnloaded(ILogger logger, string model, string reason);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Information, Message = "Model {Model} version {Version} warmed up: {Runs} run(s) in {Milliseconds} ms")]
    public static partial void WarmedUp(ILogger logger, string model, long version, int runs, long milliseconds);
}
