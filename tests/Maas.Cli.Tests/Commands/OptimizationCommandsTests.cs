using System.Text.Json;
using Maas.Cli.Tests.Support;
using Maas.TestModels;

namespace Maas.Cli.Tests.Commands;

/// <summary><c>maas inspect</c>, <c>maas quantize</c> and <c>maas compare</c> as a user runs them, on a small CNN.</summary>
public sealed class OptimizationCommandsTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "maas-cli-opt-" + Guid.NewGuid().ToString("N"));
    private readonly string _model;

    public OptimizationCommandsTests()
    {
        Directory.CreateDirectory(_folder);
        _model = Path.Combine(_folder, "model.onnx");
        File.WriteAllBytes(_model, TestModelFactory.SmallConvNet());
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Inspect_PrintsTablesWithTheTotals()
    {
        var result = await CliRun.InvokeAsync("inspect", _model, "--input", "input=2x1x28x28");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("508.2 KMACs", result.Output); // 2 × 254,096
        Assert.Contains("/conv2/Conv", result.Output);
        Assert.Contains("By operator type", result.Output);
        Assert.Contains("2x10", result.Output);
    }

    [Fact]
    public async Task Inspect_Json_HasTheFiguresUnderCamelCaseNames()
    {
        var result = await CliRun.InvokeAsync("inspect", _model, "--json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Output);
        Assert.Equal(254_096, json.RootElement.GetProperty("totalMacs").GetInt64());
        Assert.Equal(426, json.RootElement.GetProperty("parameterCount").GetInt64());
        Assert.Equal(7, json.RootElement.GetProperty("nodes").GetArrayLength());
    }

    [Fact]
    public async Task Inspect_NotAnOnnxFile_FailsWithTheReason()
    {
        var path = Path.Combine(_folder, "readme.onnx");
        await File.WriteAllTextAsync(path, "hello");

        var result = await CliRun.InvokeAsync("inspect", path);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("maas inspect: ", result.Error);
        Assert.Contains("is not an ONNX model", result.Error);
    }

    [Fact]
    public async Task Quantize_WritesTheModelAndListsNodesLeftAlone()
    {
        var output = Path.Combine(_folder, "int8.onnx");

        var result = await CliRun.InvokeAsync("quantize", _model, "-o", output, "--mode", "dynamic-int8", "--per-channel");

        Assert.Equal(0, result.ExitCode);
        Assert.True(File.Exists(output));
        Assert.Contains("quantized 1 nodes, left 2", result.Output);
        Assert.Contains("/conv1/Conv", result.Output);
    }

    [Fact]
    public async Task Quantize_UnknownMode_IsAParseError()
    {
        var result = await CliRun.InvokeAsync("quantize", _model, "-o", Path.Combine(_folder, "x.onnx"), "--mode", "int3");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("int3", result.Error);
        Assert.False(File.Exists(Path.Combine(_folder, "x.onnx")));
    }

    [Fact]
    public async Task Compare_Json_ReportsRatiosAndAgreement()
    {
        var output = Path.Combine(_folder, "int4.onnx");
        Assert.Equal(0, (await CliRun.InvokeAsync("quantize", _model, "-o", output, "--mode", "weight-int4", "--json")).ExitCode);

        var result = await CliRun.InvokeAsync("compare", _model, output, "-n", "4", "--warmup", "1", "--json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Output);
        Assert.InRange(json.RootElement.GetProperty("latencyRatio").GetDouble(), 0.01, 100);
        var logits = json.RootElement.GetProperty("outputs")[0];
        Assert.Equal("logits", logits.GetProperty("name").GetString());
        Assert.True(logits.GetProperty("cosine").GetDouble() > 0.99);
        Assert.Equal(1.0, logits.GetProperty("top1Agreement").GetDouble());
    }

    [Fact]
    public async Task Prune_Unstructured_ReportsSparsityAndSaysTheFileDoesNotShrink()
    {
        var output = Path.Combine(_folder, "pruned.onnx");

        var result = await CliRun.InvokeAsync("prune", _model, "-o", output, "--sparsity", "0.5");

        Assert.Equal(0, result.ExitCode);
        Assert.True(File.Exists(output));
        Assert.Contains("conv2.weight", result.Output);
        Assert.Contains("50.0 %", result.Output);
        Assert.Contains("the file keeps its size", result.Output);
    }

    [Fact]
    public async Task Prune_StructuredJson_HasFewerParametersAndASmallerFile()
    {
        var output = Path.Combine(_folder, "structured.onnx");

        var result = await CliRun.InvokeAsync("prune", _model, "-o", output, "--structured", "--json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Output);
        Assert.Equal(426, json.RootElement.GetProperty("parametersBefore").GetInt64());
        Assert.Equal(146, json.RootElement.GetProperty("parametersAfter").GetInt64());
        Assert.True(json.RootElement.GetProperty("outputBytes").GetInt64() < json.RootElement.GetProperty("inputBytes").GetInt64());
        Assert.Equal("/fc/Gemm", json.RootElement.GetProperty("skippedNodes")[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task Prune_SparsityOfOne_FailsNamingTheRange()
    {
        var output = Path.Combine(_folder, "x.onnx");

        var result = await CliRun.InvokeAsync("prune", _model, "-o", output, "--sparsity", "1");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("maas prune: ", result.Error);
        Assert.Contains("outside [0, 1)", result.Error);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task Prune_NotAnOnnxFile_FailsWithTheReason()
    {
        var path = Path.Combine(_folder, "readme.onnx");
        await File.WriteAllTextAsync(path, "hello");

        var result = await CliRun.InvokeAsync("prune", path, "-o", Path.Combine(_folder, "x.onnx"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("is not an ONNX model", result.Error);
    }

    [Fact]
    public async Task Quantize_Fp16_HalvesTheWeightsAndListsFloat32Nodes()
    {
        var output = Path.Combine(_folder, "fp16.onnx");

        var result = await CliRun.InvokeAsync("quantize", _model, "-o", output, "--mode", "fp16");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("fp16: wrote", result.Output);
        Assert.Contains("no float16 kernel for Conv", result.Output);
        var compare = await CliRun.InvokeAsync("compare", _model, output, "-n", "4", "--warmup", "1", "--json");
        using var json = JsonDocument.Parse(compare.Output);
        Assert.True(json.RootElement.GetProperty("outputs")[0].GetProperty("cosine").GetDouble() > 0.9999);
    }

    [Fact]
    public async Task Prune_Exclude_KeepsThatLayerAndListsIt()
    {
        var output = Path.Combine(_folder, "excluded.onnx");

        var result = await CliRun.InvokeAsync("prune", _model, "-o", output, "--exclude", "/conv1/Conv", "--json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Output);
        var tensors = json.RootElement.GetProperty("tensors").EnumerateArray().Select(t => t.GetProperty("name").GetString()).ToList();
        Assert.DoesNotContain("conv1.weight", tensors);
        Assert.Contains("conv2.weight", tensors);
        Assert.Contains("excluded", json.RootElement.GetProperty("skippedNodes")[0].GetProperty("reason").GetString());
    }
}
