using Maas.Core.Repository;
using Maas.Errors;

namespace Maas.Core.Lifecycle;

public sealed partial class ModelManager
{
    // Fingerprints seen by the previous poll, by model name: a change is applied once it has held still for one poll.
    private readonly Dictionary<string, string?> _lastPoll = new(StringComparer.Ordinal);

    /// <summary>
    /// Loads (or reloads) model <paramref name="name"/> from its folder, with
    /// <paramref name="configOverride"/> instead of its config.json when given (Triton's
    /// repository extension). Every selected version loads anew and takes traffic once ready.
    /// Throws InvalidArgument for a bad name, NotFound when the repository has no such folder,
    /// and Unavailable (with every reason) when nothing could load; in that last case the
    /// versions that served before keep serving.
    /// </summary>
    public Task<ServedModel> LoadModelAsync(string name, ModelConfig? configOverride, CancellationToken cancellationToken)
    {
        var directory = RepositoryScanner.ScanModel(_root, name)
            ?? throw MaasError.NotFound($"The repository has no folder '{name}' ({Path.Combine(_root, name)}); put the model in <repository>/{name}/<version>/ first.");
        return ChangeModelAsync(name, async () =>
        {
            var model = await ReconcileAsync(directory, configOverride, reloadAll: true, cancellationToken).ConfigureAwait(false);
            if (model.Error is { } error)
            {
                throw MaasError.Unavailable($"Model '{name}' failed to load: {error}.");
            }

            if (model.ReloadError is { } reloadError)
            {
                var serving = model.Versions.Where(v => v.State == ModelVersionState.Ready).Select(v => v.VersionText).ToArray();
                throw MaasError.Unavailable(serving.Length > 0
                    ? $"Model '{name}' did not load completely: {reloadError}. Still serving: version {string.Join(", ", serving)}."
                    : $"Model '{name}' failed to load: {reloadError}.");
            }

            return model;
        }, cancellationToken);
    }

    /// <summary>
    /// Unloads every version of model <paramref name="name"/>: new requests for it are refused at
    /// once, requests already routed finish, then the engines are released. The model stays in
    /// the index as unavailable ("unloaded") until it is loaded again. Throws NotFound for a model
    /// the server does not hold.
    /// </summary>
    public Task UnloadModelAsync(string name, CancellationToken cancellationToken)
    {
        if (!RepositoryScanner.IsValidModelName(name))
        {
            RepositoryScanner.ScanModel(_root, name);
        }

        return ChangeModelAsync(name, async () =>
        {
            var current = Find(name) ?? throw MaasError.NotFound($"Unknown model '{name}': the server holds no such model (GET /v2/repository/index lists them).");
            const string Reason = "unloaded by request; POST /v2/repository/models/<name>/load loads it again";
            var unloaded = new ServedModel(name, current.Config, [], Reason, null, current.ConfigKey) { Fingerprint = current.Fingerprint };
            await PublishAndRetireAsync(unloaded, current, "unloaded by request").ConfigureAwait(false);
            LifecycleLog.ModelUnloaded(_logger, name, "request");
        }, cancellationToken);
    }

    /// <summary>
    /// One poll of the repository (hot reload): applies every change that has held still since
    /// the previous poll — new model folders load, removed ones unload, new version folders load
    /// and replace what the version policy no longer selects, replaced model files and changed
    /// config.json files reload. A file still being written changes between polls and waits.
    /// </summary>
    public async Task PollAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<ModelDirectory> directories;
        try
        {
            directories = RepositoryScanner.Scan(_root);
        }
        catch (MaasError ex)
        {
            LifecycleLog.ReloadFailed(_logger, "(repository)", ex.Message);
            return;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var directory in directories)
        {
            seen.Add(directory.Name);
            var fingerprint = Fingerprint(directory);
            var stable = _lastPoll.TryGetValue(directory.Name, out var previous) && previous == fingerprint;
            _lastPoll[directory.Name] = fingerprint;
            var current = Find(directory.Name);
            if (stable && current?.Fingerprint != fingerprint && !IsUnloadedByRequest(current))
            {
                await ChangeModelAsync(directory.Name, () => ReconcileAsync(directory, configOverride: null, reloadAll: false, cancellationToken), cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var name in _models.Keys.ToArray())
        {
            // Gone for two polls in a row: unload and forget it.
            var goneBefore = _lastPoll.TryGetValue(name, out var previous) && previous is null;
            if (!seen.Contains(name))
            {
                _lastPoll[name] = null;
                if (goneBefore)
                {
                    await ChangeModelAsync(name, async () =>
                    {
                        await PublishAndRetireAsync(null, Find(name), "its folder was removed").ConfigureAwait(false);
                        LifecycleLog.ModelUnloaded(_logger, name, "folder removed");
                    }, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    // An explicit unload sticks until an explicit load, whatever the folder does.
    private static bool IsUnloadedByRequest(ServedModel? model) =>
        model is { Versions.Count: 0, Error: { } error } && error.StartsWith("unloaded by request", StringComparison.Ordinal);

    /// <summary>
    /// The repository index (Triton's <c>POST /v2/repository/index</c>): every model folder and
    /// every version the server holds, with its state and reason, sorted by name and version.
    /// Folders the server does not hold (explicit mode) are listed without a version or state.
    /// </summary>
    public IReadOnlyList<RepositoryIndexEntry> Index()
    {
        var entries = new List<RepositoryIndexEntry>();
        var held = _models;
        IReadOnlyList<ModelDirectory> directories;
        try
        {
            directories = RepositoryScanner.Scan(_root);
        }
        catch (MaasError)
        {
            directories = [];
        }

        var names = new SortedSet<string>(held.Keys, StringComparer.Ordinal);
        foreach (var directory in directories)
        {
            names.Add(directory.Name);
        }

        foreach (var name in names)
        {
            if (!held.TryGetValue(name, out var model))
            {
                entries.Add(new RepositoryIndexEntry(name, null, null, null));
                continue;
            }

            if (model.Versions.Count == 0)
            {
                entries.Add(new RepositoryIndexEntry(name, null, ModelVersionState.Unavailable, model.Error));
            }

            var versions = model.Versions.Concat(model.Rejected).OrderBy(v => v.Version);
            foreach (var version in versions)
            {
                // A serving version carries the reason of a failed change (e.g. an invalid new config.json) it survived.
                var reason = version.State == ModelVersionState.Ready && model.Rejected.Count == 0 ? model.ReloadError : version.Reason;
                entries.Add(new RepositoryIndexEntry(name, version.VersionText, version.State, reason));
            }
        }

        return entries;
    }
}

/// <summary>One row of the repository index.</summary>
/// <param name="Name">The model's name.</param>
/// <param name="Version">The version; null for a model without versions (failed, unloaded, or not loaded).</param>
/// <param name="State">The state; null for a folder the server does not hold.</param>
/// <param name="Reason">Why it is not ready, or why a change failed while it kept serving; null otherwise.</param>
public sealed record RepositoryIndexEntry(string Name, string? Version, ModelVersionState? State, string? Reason);
