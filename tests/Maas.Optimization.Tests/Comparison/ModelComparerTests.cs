using Maas.Errors;
using Maas.Optimization.Comparison;
using Maas.Optimization.Quantization;
using Maas.Optimization.Tests.Support;
using Maas.TestModels;

namespace Maas.Optimization.Tests.Comparison;

public class ModelComparerTests
{
    private static readonly ComparisonOptions Quick = new() { Warmup = 1, Iterations = 4 };

    [Fact]
    public void Compare_ModelWithItself_AgreesExactly()
    {
        using var folder = new TempFolder();
        var a = folder.Write("a.onnx", TestModelFactory.SmallConvNet());
        var b = folder.Write("b.onnx", TestModelFactory.SmallConvNet());

        var report = ModelComparer.Compare(a, b, Quick with { InputShapes = new Dictionary<string, long[]> { ["input"] = [3, 1, 28, 28] } });

        Assert.Equal(1.0, report.SizeRatio);
        var logits = Assert.Single(report.Outputs);
        Assert.Equal(("logits", 30L, 0.0, 1.0), (logits.Name, logits.Elements, logits.MaxAbsoluteError, Math.Round(logits.Cosine, 12)));
        Assert.Equal(1.0, logits.Top1Agreement);
        Assert.Equal("3x1x28x28", Assert.Single(report.Inputs).Value);
        Assert.True(report.BaseMedianMs > 0 && report.LatencyRatio > 0);
    }

    [Fact]
    public void Compare_QuantizedSmallConvNet_ReportsSmallErrors()
    {
        using var folder = new TempFolder();
        var source = folder.Write("model.onnx", TestModelFactory.SmallConvNet());
        var quantized = folder.File("q.onnx");
        ModelQuantizer.QuantizeFile(source, quantized, new QuantizationOptions { PerChannel = true });

        var report = ModelComparer.Compare(source, quantized, Quick);

        var logits = Assert.Single(report.Outputs);
        Assert.InRange(logits.MaxAbsoluteError, 1e-7, 0.05);
        Assert.True(logits.Cosine > 0.999, $"cosine {logits.Cosine}");
        Assert.Contains(report.Notes, n => n.Contains("'batch'"));
    }

    [Fact]
    public void Compare_GivenData_UsesItsShapeAndValues()
    {
        using var folder = new TempFolder();
        var a = folder.Write("a.onnx", TestModelFactory.Add());
        var data = InputDataFile.Parse("""{"a": [[1, 2, 3, 4], [5, 6, 7, 8]], "b": [[0, 0, 0, 0], [1, 1, 1, 1]]}""");

        var report = ModelComparer.Compare(a, a, Quick with { Data = data });

        Assert.Equal(["2x4", "2x4"], report.Inputs.Select(i => i.Value));
        Assert.Equal(8, report.Outputs[0].Elements);
        Assert.Empty(report.Notes); // given data fixes every shape: nothing assumed or generated
    }

    [Fact]
    public void Compare_MiniLm_GeneratesTokenIdsWithinTheVocabulary()
    {
        var path = RepoPaths.DemoModel("minilm");

        var report = ModelComparer.Compare(path, path, Quick with { Iterations = 2, InputShapes = new Dictionary<string, long[]> { ["input_ids"] = [1, 8] } });

        Assert.Contains(report.Notes, n => n.StartsWith("input_ids: random indices in [0, 30522)", StringComparison.Ordinal));
        Assert.Contains(report.Notes, n => n.StartsWith("attention_mask: all ones", StringComparison.Ordinal));
        Assert.All(report.Outputs, o => Assert.Equal(1.0, o.Cosine, 9));
    }

    [Fact]
    public void Compare_ModelsWithoutCommonOutputs_IsInvalidArgument()
    {
        using var folder = new TempFolder();
        var a = folder.Write("a.onnx", TestModelFactory.Add());
        var b = folder.Write("b.onnx", TestModelFactory.Identity(OnnxElementType.Float, "batch", 4));

        var error = Assert.Throws<MaasError>(() => ModelComparer.Compare(a, b, Quick));

        Assert.Contains("no output name in common", error.Message);
    }

    [Theory]
    [InlineData("""{"a": [[1, 2], [3]]}""", "ragged")]
    [InlineData("""{"a": [["x"]]}""", "where a number belongs")]
    [InlineData("""[1, 2]""", "JSON object")]
    [InlineData("""{"a": [1, 2""", "not valid JSON")]
    public void InputDataFile_Malformed_IsInvalidArgument(string json, string expected)
    {
        var error = Assert.Throws<MaasError>(() => InputDataFile.Parse(json));

        Assert.Equal(MaasErrorCode.InvalidArgument, error.Code);
        Assert.Contains(expected, error.Message);
    }
}
