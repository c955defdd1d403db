namespace Maas.TestModels;

/// <summary>Locations in the source tree, found from the running test's folder.</summary>
public static class RepoPaths
{
    /// <summary>The repository root: the nearest folder up from the binaries that holds <c>Maas.slnx</c>.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The demo models fetched by <c>scripts/fetch-models.sh</c>.</summary>
    public static string DemoRepository => Path.Combine(Root, ".models", "repository");

    /// <summary>Data fetched beside the demo models (vocabularies, speech).</summary>
    public static string DemoData => Path.Combine(Root, ".models", "data");

    /// <summary>Path of a demo model file; throws with the fix when the models were not fetched.</summary>
    public static string DemoModel(string name)
    {
        var path = Path.Combine(DemoRepository, name, "1", "model.onnx");
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"{path} is missing: run scripts/fetch-models.sh (the README's test command does).", path);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Maas.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No Maas.slnx above {AppContext.BaseDirectory}.");
    }
}
