using Maas.Optimization.Onnx;
using Maas.Optimization.Quantization;
using Maas.Optimization.Tests.Support;
using Maas.TestModels;

namespace Maas.Optimization.Tests.Quantization;

public class SmallModelQuantizationTests
{
    private static float[] Image()
    {
        var image = new float[28 * 28];
        for (var i = 0; i < image.Length; i++)
        {
            image[i] = ((i * 37) % 101) / 101f;
        }

        return image;
    }

    [Theory]
    [InlineData(QuantizationMode.DynamicInt8, false)]
    [InlineData(QuantizationMode.DynamicInt8, true)]
    [InlineData(QuantizationMode.WeightInt4, false)]
    public void Quantize_SmallConvNet_RunsAndStaysCloseToFloat(QuantizationMode mode, bool perChannel)
    {
        using var folder = new TempFolder();
        var source = folder.Write("model.onnx", TestModelFactory.SmallConvNet());
        var output = folder.File("quantized.onnx");

        var result = ModelQuantizer.QuantizeFile(source, output, new QuantizationOptions { Mode = mode, PerChannel = perChannel });

        Assert.Equal(["/fc/Gemm"], result.QuantizedNodes);
        Assert.Equal(["/conv1/Conv", "/conv2/Conv"], result.SkippedNodes.Select(s => s.Name));
        Assert.All(result.SkippedNodes, s => Assert.Contains("convolutions are not quantized", s.Reason));
        var expected = Ort.RunFloat(source, "input", Image(), [1, 1, 28, 28], "logits");
        var actual = Ort.RunFloat(output, "input", Image(), [1, 1, 28, 28], "logits");
        Assert.Equal(10, actual.Length);
        var tolerance = mode == QuantizationMode.WeightInt4 ? 0.05 : 0.02;
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"logit {i}: {actual[i]} vs {expected[i]}");
        }
    }

    /// <summary>
    /// Large positive activations times large positive weights: the case where ONNX Runtime's
    /// uint8 × int8 kernel on AVX2 without VNNI saturates int16 pairs if weights use all 8 bits
    /// (GOTCHAS.md). Here quantized activations are near 255 and weights at the top of their range.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Quantize_SaturatingMatMul_MatchesFloatWithinTwoPercent(bool unsignedWeights)
    {
        const int K = 64, N = 3;
        var weights = new float[K * N];
        for (var k = 0; k < K; k++)
        {
            weights[(k * N) + 0] = 1.0f;
            weights[(k * N) + 1] = 0.5f + (k % 4 * 0.1f);
            weights[(k * N) + 2] = k % 2 == 0 ? 1.0f : -0.25f;
        }

        var bytes = new OnnxGraphBuilder("mlp")
            .AddInput("x", OnnxElementType.Float, 1, K)
            .AddOutput("y", OnnxElementType.Float, 1, N)
            .AddInitializer("w", weights, [K, N])
            .AddNode("MatMul", ["x", "w"], ["y"])
            .Build();
        using var folder = new TempFolder();
        var source = folder.Write("mlp.onnx", bytes);
        var output = folder.File("mlp-int8.onnx");
        var x = new float[K];
        for (var k = 0; k < K; k++)
        {
            x[k] = 0.9f + (k % 3 * 0.05f);
        }

        ModelQuantizer.QuantizeFile(source, output, new QuantizationOptions { PerChannel = true, UnsignedWeights = unsignedWeights });

        var expected = Ort.RunFloat(source, "x", x, [1, K], "y");
        var actual = Ort.RunFloat(output, "x", x, [1, K], "y");
        for (var n = 0; n < N; n++)
        {
            Assert.True(Math.Abs(actual[n] - expected[n]) <= 0.02 * Math.Abs(expected[n]), $"y[{n}] = {actual[n]}, float gives {expected[n]}");
        }
    }

    [Fact]
    public void Quantize_SignedWeights_NeverExceedSevenBits()
    {
        var model = OnnxModelFile.Parse(TestModelFactory.SmallConvNet());

        ModelQuantizer.Quantize(model, new QuantizationOptions());

        var weight = model.Graph.Initializer.Single(t => t.DataType == OnnxDataType.Int8);
        Assert.All(weight.RawData.ToByteArray(), b => Assert.InRange((sbyte)b, -WeightQuantization.MatMulIntegerMaxWeight, WeightQuantization.MatMulIntegerMaxWeight));
        Assert.DoesNotContain(model.Graph.Initializer, t => t.Name == "fc.weight");
    }

    [Fact]
    public void Quantize_ExcludedNode_IsLeftWithTheReason()
    {
        var model = OnnxModelFile.Parse(TestModelFactory.SmallConvNet());

        var result = ModelQuantizer.Quantize(model, new QuantizationOptions { ExcludedNodes = new HashSet<string> { "/fc/Gemm" } });

        Assert.Empty(result.QuantizedNodes);
        Assert.Contains(result.SkippedNodes, s => s.Name == "/fc/Gemm" && s.Reason.Contains("excluded"));
        Assert.Equal(OnnxModelFile.Parse(TestModelFactory.SmallConvNet()).Graph, model.Graph);
    }

    [Fact]
    public void Quantize_InvalidBlockSize_IsInvalidArgument()
    {
        var model = OnnxModelFile.Parse(TestModelFactory.SmallConvNet());

        var error = Assert.Throws<Errors.MaasError>(() => ModelQuantizer.Quantize(model, new QuantizationOptions { Mode = QuantizationMode.WeightInt4, BlockSize = 24 }));

        Assert.Contains("power of two", error.Message);
    }
}
