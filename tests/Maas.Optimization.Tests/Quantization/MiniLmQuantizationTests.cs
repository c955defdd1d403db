using Maas.Optimization.Inspection;
using Maas.Optimization.Onnx;
using Maas.Optimization.Quantization;
using Maas.Optimization.Tests.Support;
using Maas.TestModels;

namespace Maas.Optimization.Tests.Quantization;

/// <summary>MiniLM quantized once per mode for the class (about a second each).</summary>
public sealed class MiniLmQuantizationFixture : IDisposable
{
    private readonly TempFolder _folder = new();

    public MiniLmQuantizationFixture()
    {
        Source = RepoPaths.DemoModel("minilm");
        Int8 = _folder.File("minilm-int8.onnx");
        Int8Result = ModelQuantizer.QuantizeFile(Source, Int8, new QuantizationOptions { PerChannel = true });
        Int4 = _folder.File("minilm-int4.onnx");
        Int4Result = ModelQuantizer.QuantizeFile(Source, Int4, new QuantizationOptions { Mode = QuantizationMode.WeightInt4, PerChannel = true });
        FloatEmbedding = Ort.MiniLmEmbedding(Source);
    }

    public string Source { get; }

    public string Int8 { get; }

    public QuantizationResult Int8Result { get; }

    public string Int4 { get; }

    public QuantizationResult Int4Result { get; }

    public float[] FloatEmbedding { get; }

    public void Dispose() => _folder.Dispose();
}

public class MiniLmQuantizationTests(MiniLmQuantizationFixture fixture) : IClassFixture<MiniLmQuantizationFixture>
{
    [Fact]
    public void DynamicInt8_FloatModel_StillGivesThePublishedEmbedding()
    {
        // The reference values of all-MiniLM-L6-v2 for "This is an example sentence".
        Assert.Equal(0.067657f, fixture.FloatEmbedding[0], 4);
        Assert.Equal(0.063496f, fixture.FloatEmbedding[1], 4);
        Assert.Equal(0.048713f, fixture.FloatEmbedding[2], 4);
    }

    [Fact]
    public void DynamicInt8_PerChannel_EmbeddingStaysCloseToFloat()
    {
        var quantized = Ort.MiniLmEmbedding(fixture.Int8);

        // Measured 0.987 on this sentence (P10's target of 0.99 is missed by this much: see docs/benchmarks.md).
        Assert.True(Ort.Cosine(fixture.FloatEmbedding, quantized) >= 0.985, $"cosine {Ort.Cosine(fixture.FloatEmbedding, quantized):F5}");
    }

    [Fact]
    public void DynamicInt8_QuantizesEveryWeightMatMulAndTheEmbeddings()
    {
        var result = fixture.Int8Result;

        // 36 weight MatMuls, the pooler Gemm, word and position embeddings.
        Assert.Equal(39, result.QuantizedNodes.Count);
        // Left: 12 attention MatMuls (activation × activation) and the 2-row token type table.
        Assert.Equal(12, result.SkippedNodes.Count(s => s.OpType == "MatMul" && s.Reason.Contains("activation × activation")));
        Assert.Contains(result.SkippedNodes, s => s.OpType == "Gather" && s.Reason.Contains("768 elements"));
        Assert.Equal(13, result.SkippedNodes.Count);
    }

    [Fact]
    public void DynamicInt8_FileIsUnderThreeTenthsOfTheOriginal()
    {
        var ratio = (double)new FileInfo(fixture.Int8).Length / new FileInfo(fixture.Source).Length;

        Assert.InRange(ratio, 0.2, 0.3);
    }

    [Fact]
    public void DynamicInt8_InspectSeesTheQuantizedOperators()
    {
        var report = ModelInspector.Inspect(fixture.Int8, new Dictionary<string, long[]> { ["input_ids"] = [1, 16] });
        var original = ModelInspector.Inspect(fixture.Source, new Dictionary<string, long[]> { ["input_ids"] = [1, 16] });

        Assert.Empty(report.Unresolved);
        Assert.Equal(37, report.OpTypes.Single(o => o.OpType == "MatMulInteger").Count); // 36 MatMuls and the pooler Gemm
        Assert.Equal(original.TotalMacs, report.TotalMacs);
        Assert.Contains(report.Parameters, p => p.ElementType == "int8" && p.Elements > 20_000_000);
    }

    [Fact]
    public void WeightInt4_LoadsAndStaysRecognisablyTheSameEmbedding()
    {
        var quantized = Ort.MiniLmEmbedding(fixture.Int4);

        Assert.Equal(37, fixture.Int4Result.QuantizedNodes.Count(n => n.StartsWith("MatMul", StringComparison.Ordinal) || n.StartsWith("Gemm", StringComparison.Ordinal)));
        Assert.Contains(OnnxModelFile.Read(fixture.Int4).OpsetImport, o => o.Domain == "com.microsoft");
        // Measured 0.91 with 32-weight blocks: 4-bit weights cost MiniLM more than int8 (docs/benchmarks.md).
        Assert.True(Ort.Cosine(fixture.FloatEmbedding, quantized) >= 0.88, $"cosine {Ort.Cosine(fixture.FloatEmbedding, quantized):F5}");
    }
}
