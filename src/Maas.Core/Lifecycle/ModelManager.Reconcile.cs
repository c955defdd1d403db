using Maas.Core.Repository;
using Maas.Errors;

namespace Maas.Core.Lifecycle;

public sealed partial class ModelManager
{
    /// <summary>
    /// Brings one model in line with its folder (and <paramref name="configOverride"/>, when
    /// given): loads the versions its policy selects that are not loaded yet or whose file
    /// changed, publishes them once ready, and retires the versions that left. With
    /// <paramref name="reloadAll"/> (or a changed config.json) every selected version loads anew.
    /// Returns the published model; its <see cref="ServedModel.ReloadError"/> (or
    /// <see cref="ServedModel.Error"/>) says what failed.
    /// </summary>
    private async Task<ServedModel> ReconcileAsync(ModelDirectory directory, ModelConfig? configOverride, bool reloadAll, CancellationToken cancellationToken)
    {
        var current = Find(directory.Name);
        var configKey = configOverride is not null ? null : directory.ConfigPath is null ? "" : ModelConfigReader.SettingsKey(directory.ConfigPath);
        var fingerprint = Fingerprint(directory);
        ModelConfig config;
        try
        {
            config = configOverride
                ?? (directory.ConfigPath is null ? ModelConfig.Default : ModelConfigReader.ReadFile(directory.ConfigPath));
        }
        catch (MaasError ex)
        {
            return await KeepOrFailAsync(directory.Name, current, ex.Message, fingerprint).ConfigureAwait(false);
        }

        var available = new long[directory.Versions.Count];
        for (var i = 0; i < available.Length; i++)
        {
            available[i] = directory.Versions[i].Version;
        }

        var selected = config.VersionPolicy.Select(available);
        if (selected.Count == 0)
        {
            var reason = available.Length == 0
                ? $"no version folders in {directory.Path}; put the model file in a numbered folder such as {Path.Combine(directory.Path, "1")}"
                : $"version_policy '{config.VersionPolicy}' selects none of the version folders ({string.Join(", ", available)})";
            return await KeepOrFailAsync(directory.Name, current, reason, fingerprint, config).ConfigureAwait(false);
        }

        // A changed config.json reloads every version (engine options, batching, warm-up may differ),
        // unless only its labels or traffic changed: those re-route without a reload.
        reloadAll |= configKey is null || current?.Config is null || current.ConfigKey != configKey;
        var kept = new List<ModelVersion>();
        var loading = new List<(long Version, string Path)>();
        foreach (var number in selected)
        {
            var path = directory.Versions.First(v => v.Version == number).Path;
            var existing = current?.Find(number);
            if (!reloadAll && existing is { State: ModelVersionState.Ready } && existing.Stamp == StampOfModelFile(path))
            {
                kept.Add(existing);
            }
            else
            {
                loading.Add((number, path));
            }
        }

        // Brand-new versions show as loading meanwhile; versions being replaced keep serving.
        if (current is not null && loading.Exists(l => current.Find(l.Version) is null))
        {
            var placeholders = new List<ModelVersion>(current.Versions);
            foreach (var (number, _) in loading)
            {
                if (current.Find(number) is null)
                {
                    placeholders.Add(new ModelVersion(directory.Name, number, config));
                }
            }

            placeholders.Sort(static (a, b) => a.Version.CompareTo(b.Version));
            Publish(directory.Name, new ServedModel(directory.Name, current.Config, placeholders, null, current.ReloadError, current.ConfigKey) { Fingerprint = current.Fingerprint });
        }

        var loaded = new List<ModelVersion>(loading.Count);
        foreach (var (number, path) in loading)
        {
            loaded.Add(await LoadVersionAsync(directory.Name, number, path, config, cancellationToken).ConfigureAwait(false));
        }

        var next = new List<ModelVersion>(kept);
        var rejected = new List<ModelVersion>();
        var failures = new List<string>();
        foreach (var version in loaded)
        {
            if (version.State == ModelVersionState.Ready)
            {
                next.Add(version);
                continue;
            }

            failures.Add($"version {version.VersionText}: {version.Reason}");
            rejected.Add(version);
            if (current?.Find(version.Version) is { State: ModelVersionState.Ready } previous)
            {
                // A reload of this version failed: the loaded one keeps serving.
                next.Add(previous);
            }
        }

        var useConfig = config;
        if (!next.Exists(v => v.State == ModelVersionState.Ready) && current is not null)
        {
            // Nothing selected could load: the versions that served before keep serving.
            foreach (var previous in current.Versions)
            {
                if (previous.State == ModelVersionState.Ready && !next.Contains(previous))
                {
                    next.Add(previous);
                    useConfig = current.Config ?? config;
                }
            }
        }

        if (!next.Exists(v => v.State == ModelVersionState.Ready) || current?.DefaultVersion is null)
        {
            // A first load, or nothing serves: the failed versions are the model's own versions
            // (and count against readiness); only a failed update is set aside as rejected.
            next.AddRange(rejected);
            rejected.Clear();
        }

        next.Sort(static (a, b) => a.Version.CompareTo(b.Version));
        var reloadError = failures.Count == 0 ? null : string.Join("; ", failures);
        var model = new ServedModel(directory.Name, useConfig, next, null, reloadError, ReferenceEquals(useConfig, config) ? configKey : current?.ConfigKey)
        {
            Fingerprint = fingerprint,
            Rejected = rejected,
        };
        await PublishAndRetireAsync(model, current, $"replaced in model '{directory.Name}'").ConfigureAwait(false);
        return model;
    }

    /// <summary>Publishes <paramref name="model"/>, then retires every version of <paramref name="previous"/> it no longer holds.</summary>
    private async Task PublishAndRetireAsync(ServedModel? model, ServedModel? previous, string reason)
    {
        var name = model?.Name ?? previous!.Name;
        if (_disposed)
        {
            // Shutdown raced this change: release what was loaded instead of publishing it.
            foreach (var version in model?.Versions ?? [])
            {
                version.Dispose();
            }

            return;
        }

        Publish(name, model);
        if (previous is null)
        {
            return;
        }

        var retiring = new List<Task>();
        foreach (var version in previous.Versions)
        {
            if (model is null || !model.Versions.Contains(version))
            {
                if (version.State == ModelVersionState.Ready)
                {
                    LifecycleLog.Unloading(_logger, name, version.Version);
                }

                retiring.Add(version.RetireAsync(DrainTimeout, reason));
            }
        }

        await Task.WhenAll(retiring).ConfigureAwait(false);
    }

    // A model that cannot be read keeps serving what it served; one that never served is failed.
    private async Task<ServedModel> KeepOrFailAsync(string name, ServedModel? current, string reason, string fingerprint, ModelConfig? config = null)
    {
        if (current is not null && current.Versions.Any(v => v.State == ModelVersionState.Ready))
        {
            LifecycleLog.ReloadFailed(_logger, name, reason);
            var kept = new ServedModel(name, current.Config, current.Versions, null, reason, current.ConfigKey) { Fingerprint = fingerprint };
            Publish(name, kept);
            return kept;
        }

        LifecycleLog.ModelFailed(_logger, name, reason);
        var failed = new ServedModel(name, config, [], reason) { Fingerprint = fingerprint };
        await PublishAndRetireAsync(failed, current, reason).ConfigureAwait(false);
        return failed;
    }

    /// <summary>
    /// What the watcher compares between polls: config.json's contents (a hash: two edits of the
    /// same length within the file system's timestamp granularity still differ) and every
    /// version's model file stamp (size and write time; model files are too big to hash each poll).
    /// </summary>
    private string Fingerprint(ModelDirectory directory)
    {
        var text = new System.Text.StringBuilder();
        text.Append(directory.ConfigPath is null ? "-" : ContentHash(directory.ConfigPath));
        foreach (var version in directory.Versions)
        {
            text.Append('|').Append(version.Version).Append(':').Append(StampOfModelFile(version.Path)?.ToString() ?? "-");
        }

        return text.ToString();
    }

    private static string ContentHash(string path)
    {
        try
        {
            return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path)));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "unreadable";
        }
    }

    private FileStamp? StampOfModelFile(string versionPath)
    {
        foreach (var backend in _backends)
        {
            if (FileStamp.Of(Path.Combine(versionPath, backend.ModelFileName)) is { } stamp)
            {
                return stamp;
            }
        }

        return null;
    }
}
