using Maas.Optimization.Onnx;
using Maas.Optimization.Quantization;
using Maas.Optimization.Tests.Support;
using Maas.TestModels;

namespace Maas.Optimization.Tests.Quantization;

public class Float16ConversionTests
{
    private static float[] Input(int count)
    {
        var values = new float[count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = ((i * 37) % 101) / 101f;
        }

        return values;
    }

    [Theory]
    [InlineData("cnn")]
    [InlineData("mlp")]
    public void Float16_SmallModels_LoadInOnnxRuntimeAndStayWithinHalfPrecision(string name)
    {
        using var folder = new TempFolder();
        var (bytes, shape) = name == "cnn" ? (TestModelFactory.SmallConvNet(), new long[] { 1, 1, 28, 28 }) : (TestModelFactory.Mlp(), [1, 784]);
        var source = folder.Write("model.onnx", bytes);
        var output = folder.File("fp16.onnx");
        var x = Input((int)shape.Aggregate(1L, (a, b) => a * b));

        ModelQuantizer.QuantizeFile(source, output, new QuantizationOptions { Mode = QuantizationMode.Float16 });

        var expected = Ort.RunFloat(source, "input", x, shape, "logits");
        var actual = Ort.RunFloat(output, "input", x, shape, "logits"); // float32 in and out: the signature did not change
        for (var i = 0; i < expected.Length; i++)
        {
            // float16 keeps 11 significant bits: about 1e-3 relative per weight.
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-2, $"logit {i}: {actual[i]} vs {expected[i]}");
        }

        Assert.True(Ort.Cosine(expected, actual) >= 0.9999);
    }

    [Fact]
    public void Float16_StoresEveryWeightAsHalfAndKeepsFloat32AtTheBoundary()
    {
        var model = OnnxModelFile.Parse(TestModelFactory.SmallConvNet());

        var result = ModelQuantizer.Quantize(model, new QuantizationOptions { Mode = QuantizationMode.Float16 });

        Assert.All(model.Graph.Initializer, t => Assert.Equal(OnnxDataType.Float16, t.DataType));
        Assert.Equal(OnnxDataType.Float, model.Graph.Input.Single().Type.TensorType.ElemType);
        Assert.Equal(OnnxDataType.Float, model.Graph.Output.Single().Type.TensorType.ElemType);
        Assert.Equal(2 * result.WeightBytesAfter, result.WeightBytesBefore);
    }

    [Fact]
    public void Float16_OperatorsWithoutACpuKernel_StayFloat32AndAreListed()
    {
        var model = OnnxModelFile.Parse(TestModelFactory.SmallConvNet());

        var result = ModelQuantizer.Quantize(model, new QuantizationOptions { Mode = QuantizationMode.Float16 });

        // ONNX Runtime 1.32's x64 CPU provider has no float16 Conv, Relu or Gemm: measured by the probe.
        var conv = Assert.Single(result.SkippedNodes, s => s.Name == "/conv1/Conv");
        Assert.Contains("no float16 kernel for Conv", conv.Reason);
        Assert.Contains(model.Graph.Node, n => n.OpType == "Cast");
    }

    [Fact]
    public void Float16_ExcludedNode_IsLeftWithTheReason()
    {
        var model = OnnxModelFile.Parse(TestModelFactory.SmallConvNet());

        var result = ModelQuantizer.Quantize(model, new QuantizationOptions { Mode = QuantizationMode.Float16, ExcludedNodes = new HashSet<string> { "/Flatten" } });

        Assert.Contains(result.SkippedNodes, s => s.Name == "/Flatten" && s.Reason.Contains("excluded"));
    }

    [Fact]
    public void Float16_ModelWithSubgraphs_ListsThemAsLeftAlone()
    {
        // Silero VAD keeps its LSTM weights inside If branches, which the converter does not enter.
        var model = OnnxModelFile.Read(RepoPaths.DemoModel("silero-vad"));

        var result = ModelQuantizer.Quantize(model, new QuantizationOptions { Mode = QuantizationMode.Float16 });

        Assert.Contains(result.SkippedNodes, s => s.OpType == "If" && s.Reason.Contains("subgraphs"));
    }
}
