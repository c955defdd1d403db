using System.Text.Json;
using Maas.Errors;
using Maas.Pipelines.Processors;

namespace Maas.Pipelines.Tests;

public sealed class ProcessorOptionsTests
{
    [Fact]
    public void Unknown_and_invalid_options_are_reported_together_with_the_step_name()
    {
        using var json = JsonDocument.Parse("""{"max_length": 0, "lowercse": true}""");
        var options = new ProcessorOptions("tokenize", json.RootElement, [Path.GetTempPath()]);
        options.GetInt("max_length", 128, 1, 4096);
        options.GetBool("lowercase", true);

        var error = Assert.Throws<MaasError>(() => options.ThrowIfInvalid("wordpiece_tokenizer"));

        Assert.Equal(MaasErrorCode.InvalidArgument, error.Code);
        Assert.Contains("step 'tokenize' (wordpiece_tokenizer)", error.Message, StringComparison.Ordinal);
        Assert.Contains("'max_length' must be an integer from 1 to 4096", error.Message, StringComparison.Ordinal);
        Assert.Contains("unknown option 'lowercse'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Files_resolve_inside_the_model_folders_only()
    {
        var folder = Directory.CreateTempSubdirectory("maas-options-").FullName;
        File.WriteAllText(Path.Combine(folder, "vocab.txt"), "[PAD]\n");
        using var json = JsonDocument.Parse("""{"vocab": "vocab.txt", "labels": "../secret.txt"}""");
        var options = new ProcessorOptions("step", json.RootElement, [folder]);

        Assert.Equal(Path.Combine(folder, "vocab.txt"), options.RequireFile("vocab"));
        Assert.Equal("", options.RequireFile("labels"));
        var error = Assert.Throws<MaasError>(() => options.ThrowIfInvalid("kind"));
        Assert.Contains("no '..'", error.Message, StringComparison.Ordinal);
    }
}
