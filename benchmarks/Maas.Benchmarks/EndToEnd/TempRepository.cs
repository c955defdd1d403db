using Maas.TestModels;

namespace Maas.Benchmarks.EndToEnd;

/// <summary>
/// A model repository in a temp folder: each model's file from the source repository (linked,
/// not copied) with a config.json that sets one intra-op and one inter-op thread (plus, for the
/// load benchmark, its batching settings), so the server and the in-process baseline run the
/// engine the same way. Deleted on dispose.
/// </summary>
internal sealed class TempRepository : IDisposable
{
    public const string EngineConfig = """{"engine": {"intra_op_threads": 1, "inter_op_threads": 1}}""";

    /// <summary><see cref="EngineConfig"/> with the response cache on (the cached copy of small-cnn).</summary>
    public const string CachedConfig = """{"engine": {"intra_op_threads": 1, "inter_op_threads": 1}, "response_cache": {"enabled": true}}""";

    /// <summary>The name the cache-enabled copy of a model is served under.</summary>
    public static string CachedName(string model) => model + "-cached";

    private TempRepository(string root) => Root = root;

    public string Root { get; }

    /// <summary>Every model under its own name, with <see cref="EngineConfig"/>.</summary>
    public static TempRepository Create(string sourceRepository, IEnumerable<string> models) =>
        Create(sourceRepository, models.Select(m => new RepositoryModel(m, m, EngineConfig)));

    /// <summary>
    /// Each entry as <c>&lt;Name&gt;/1/model.onnx</c> (the source repository's <c>&lt;Source&gt;/1/model.onnx</c>,
    /// or a generated model for small-cnn and mlp when the source has none) with its own config.json,
    /// so one server can serve the same model under several configurations.
    /// </summary>
    public static TempRepository Create(string sourceRepository, IEnumerable<RepositoryModel> models)
    {
        RemoveStale();
        var root = Path.Combine(Path.GetTempPath(), $"maas-bench-{Environment.ProcessId}");
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }

        var repository = new TempRepository(root);
        try
        {
            foreach (var model in models)
            {
                var versionDir = Directory.CreateDirectory(Path.Combine(root, model.Name, "1")).FullName;
                var target = Path.Combine(versionDir, "model.onnx");
                var source = Path.GetFullPath(Path.Combine(sourceRepository, model.Source, "1", "model.onnx"));
                if (File.Exists(source))
                {
                    File.CreateSymbolicLink(target, source);
                }
                else if (Generated(model.Source) is { } bytes)
                {
                    // The same generated model scripts/fetch-models.sh (small-cnn) or the load
                    // benchmark (mlp) uses; no download needed.
                    File.WriteAllBytes(target, bytes);
                }
                else
                {
                    throw new FileNotFoundException($"{source} is missing; run scripts/fetch-models.sh (or pass --models <repository>).", source);
                }

                File.WriteAllText(Path.Combine(root, model.Name, "config.json"), model.Config);
            }

            return repository;
        }
        catch
        {
            repository.Dispose();
            throw;
        }
    }

    private static byte[]? Generated(string model) => model switch
    {
        "small-cnn" => TestModelFactory.SmallConvNet(),
        "mlp" => TestModelFactory.Mlp(),
        _ => null,
    };

    // Folders of runs that died without cleaning up (the process whose id they carry is gone).
    private static void RemoveStale()
    {
        foreach (var dir in Directory.EnumerateDirectories(Path.GetTempPath(), "maas-bench-*"))
        {
            var suffix = Path.GetFileName(dir)["maas-bench-".Length..];
            if (int.TryParse(suffix, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var pid) && !Directory.Exists($"/proc/{pid}"))
            {
                new TempRepository(dir).Dispose();
            }
        }
    }

    /// <summary>The model file the server loads, resolved through its link.</summary>
    public string ModelPath(string model)
    {
        var path = Path.Combine(Root, model, "1", "model.onnx");
        return new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;
    }

    public void Dispose()
    {
        try
        {
            if (Directory.Exists(Root))
            {
                Directory.Delete(Root, recursive: true);
            }
        }
        catch (IOException)
        {
            // Best effort: a temp folder left behind is harmless.
        }
    }
}
