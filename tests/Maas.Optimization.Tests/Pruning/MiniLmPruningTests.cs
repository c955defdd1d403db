using Maas.Optimization.Inspection;
using Maas.Optimization.Pruning;
using Maas.Optimization.Quantization;
using Maas.Optimization.Tests.Support;
using Maas.TestModels;

namespace Maas.Optimization.Tests.Pruning;

/// <summary>MiniLM pruned (unstructured, structured) and converted to float16 once for the class.</summary>
public sealed class MiniLmPruningFixture : IDisposable
{
    private readonly TempFolder _folder = new();

    public MiniLmPruningFixture()
    {
        Source = RepoPaths.DemoModel("minilm");
        Unstructured = _folder.File("minilm-u50.onnx");
        UnstructuredResult = ModelPruner.PruneFile(Source, Unstructured, new PruningOptions { Sparsity = 0.5 });
        Structured = _folder.File("minilm-s50.onnx");
        StructuredResult = ModelPruner.PruneFile(Source, Structured, new PruningOptions { Sparsity = 0.5, Structured = true });
        Float16 = _folder.File("minilm-fp16.onnx");
        Float16Result = ModelQuantizer.QuantizeFile(Source, Float16, new QuantizationOptions { Mode = QuantizationMode.Float16 });
        FloatEmbedding = Ort.MiniLmEmbedding(Source);
    }

    public string Source { get; }

    public string Unstructured { get; }

    public PruningResult UnstructuredResult { get; }

    public string Structured { get; }

    public PruningResult StructuredResult { get; }

    public string Float16 { get; }

    public QuantizationResult Float16Result { get; }

    public float[] FloatEmbedding { get; }

    public void Dispose() => _folder.Dispose();
}

public class MiniLmPruningTests(MiniLmPruningFixture fixture) : IClassFixture<MiniLmPruningFixture>
{
    [Fact]
    public void Unstructured_EveryWeightMatMulAndThePoolerAtHalfSparsity()
    {
        var result = fixture.UnstructuredResult;

        Assert.Equal(37, result.Tensors.Count); // 36 weight MatMuls and the pooler Gemm
        Assert.All(result.Tensors, t => Assert.InRange(t.Sparsity, 0.5 - (1.0 / t.ElementsBefore), 0.5 + (1.0 / t.ElementsBefore)));
        Assert.Equal(12, result.SkippedNodes.Count(s => s.Reason.Contains("activation × activation")));
    }

    [Fact]
    public void Unstructured_LoadsAndTheEmbeddingMovesAsMeasured()
    {
        var pruned = Ort.MiniLmEmbedding(fixture.Unstructured);

        // Half of every weight matrix zeroed without fine-tuning: measured 0.648 on this sentence, far from usable
        // (docs/benchmarks.md). The test pins the figure so a change in the pruner shows.
        var cosine = Ort.Cosine(fixture.FloatEmbedding, pruned);
        Assert.True(cosine >= 0.6, $"cosine {cosine:F4}");
    }

    [Fact]
    public void Structured_ShrinksTheSixFeedForwardBlocksAndKeepsTheSignature()
    {
        var shapes = new Dictionary<string, long[]> { ["input_ids"] = [1, 16] };
        var before = ModelInspector.Inspect(fixture.Source, shapes);
        var after = ModelInspector.Inspect(fixture.Structured, shapes);

        Assert.Equal(6, fixture.StructuredResult.Tensors.Count(t => t.Role == "output channels"));
        Assert.All(fixture.StructuredResult.Tensors.Where(t => t.Role == "output channels"), t => Assert.Equal([384, 768], t.ShapeAfter));
        Assert.Equal(before.ParameterCount - (6 * ((2 * 384 * 768) + 768)), after.ParameterCount);
        Assert.Equal(before.Outputs.Select(o => string.Join(",", o.Shape ?? [])), after.Outputs.Select(o => string.Join(",", o.Shape ?? [])));
        var embedding = Ort.MiniLmEmbedding(fixture.Structured);
        Assert.Equal(384, embedding.Length);
        Assert.Contains(fixture.StructuredResult.SkippedNodes, s => s.Reason.Contains("residual"));
    }

    [Fact]
    public void Float16_HalvesTheFileAndKeepsTheEmbedding()
    {
        var converted = Ort.MiniLmEmbedding(fixture.Float16);

        var ratio = (double)new FileInfo(fixture.Float16).Length / new FileInfo(fixture.Source).Length;
        Assert.InRange(ratio, 0.49, 0.51);
        // Measured 0.999999: weights rounded to float16, compute in float32 (no float16 CPU kernels).
        Assert.True(Ort.Cosine(fixture.FloatEmbedding, converted) >= 0.9999, $"cosine {Ort.Cosine(fixture.FloatEmbedding, converted):F6}");
        Assert.Contains(fixture.Float16Result.SkippedNodes, s => s.OpType == "MatMul" && s.Reason.Contains("no float16 kernel"));
    }
}
