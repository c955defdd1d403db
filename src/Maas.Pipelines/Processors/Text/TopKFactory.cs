using System.Text;

namespace Maas.Pipelines.Processors.Text;

/// <summary>
/// Creates <c>top_k</c> steps. Options: <c>k</c> (1 to 1000, default 5), <c>softmax</c> (default
/// true), <c>labels</c> (optional file, one label per line in class order).
/// </summary>
internal sealed class TopKFactory : IProcessorFactory
{
    /// <summary>The largest <c>k</c> accepted.</summary>
    public const int MaxK = 1000;

    /// <inheritdoc/>
    public string Kind => "top_k";

    /// <inheritdoc/>
    public Processor Create(ProcessorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var k = options.GetInt("k", 5, 1, MaxK);
        var softmax = options.GetBool("softmax", true);
        byte[][]? labels = null;
        string? labelsFile = null;
        if (options.GetString("labels") is not null)
        {
            var path = options.RequireFile("labels");
            if (path.Length > 0)
            {
                labelsFile = Path.GetFileName(path);
                labels = Load(options, path);
            }
        }

        options.ThrowIfInvalid(Kind);
        return new TopKProcessor(k, softmax, labels, labelsFile);
    }

    // One label per line (\n or \r\n); trailing empty lines are not labels.
    private static byte[][]? Load(ProcessorOptions options, string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path, Encoding.UTF8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            options.AddError($"'labels' file {Path.GetFileName(path)} cannot be read ({e.Message})");
            return null;
        }

        var count = lines.Length;
        while (count > 0 && lines[count - 1].Length == 0)
        {
            count--;
        }

        if (count == 0)
        {
            options.AddError($"'labels' file {Path.GetFileName(path)} is empty; write one label per line, in class order");
            return null;
        }

        var labels = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            labels[i] = Encoding.UTF8.GetBytes(lines[i]);
        }

        return labels;
    }
}
