using Maas.Optimization.Inspection;
using Maas.Optimization.Onnx;
using Maas.TestModels;

namespace Maas.Optimization.Tests.Inspection;

public class ModelInspectorTests
{
    private static ModelReport Inspect(byte[] bytes, Dictionary<string, long[]>? inputs = null) =>
        ModelInspector.Inspect(OnnxModelFile.Parse(bytes), "test.onnx", bytes.Length, inputs ?? []);

    [Fact]
    public void Inspect_SmallConvNet_MatchesHandComputedFigures()
    {
        var report = Inspect(TestModelFactory.SmallConvNet());

        // conv1: C_out 4 × 28 × 28 × (C_in 1 / 1) × 3 × 3 = 28,224 MACs
        // conv2: 8 × 28 × 28 × 4 × 3 × 3 = 225,792; fc Gemm: 1 × 10 × 8 = 80.
        Assert.Equal(28_224 + 225_792 + 80, report.TotalMacs);
        // FLOPs: 2 × MACs + Relu 4·28·28 + Relu 8·28·28 + GlobalAveragePool over 8·28·28 inputs.
        Assert.Equal((2 * 254_096) + 3_136 + 6_272 + 6_272, report.TotalFlops);
        Assert.Equal(225_792, report.Nodes.Single(n => n.Name == "/conv2/Conv").Macs);
        // Parameters: 36 + 4 + 288 + 8 + 80 + 10 floats.
        var floats = Assert.Single(report.Parameters);
        Assert.Equal(("float", 6, 426L, 1_704L), (floats.ElementType, floats.Tensors, floats.Elements, floats.Bytes));
        // Peak: during relu2, conv2's output and relu2's output (8·28·28 floats each) are alive.
        Assert.Equal(2 * 8 * 28 * 28 * 4, report.PeakActivationBytes);
        Assert.Equal("/relu2/Relu", report.PeakActivationNode);
        Assert.Equal("Conv", report.OpTypes[0].OpType);
        Assert.Equal(2, report.OpTypes[0].Count);
        Assert.Single(report.Assumptions); // batch taken as 1
        Assert.Empty(report.Unresolved);
    }

    [Fact]
    public void Inspect_SmallConvNetAtBatchFour_ScalesComputeAndMemory()
    {
        var one = Inspect(TestModelFactory.SmallConvNet());

        var four = Inspect(TestModelFactory.SmallConvNet(), new() { ["input"] = [4, 1, 28, 28] });

        Assert.Equal(4 * one.TotalMacs, four.TotalMacs);
        Assert.Equal(4 * one.PeakActivationBytes, four.PeakActivationBytes);
        Assert.Equal(new long[] { 4, 10 }, four.Outputs[0].Shape);
        Assert.Empty(four.Assumptions);
    }

    [Fact]
    public void Inspect_ResNet18_CountsTheGraphsConvolutions()
    {
        var report = ModelInspector.Inspect(RepoPaths.DemoModel("resnet18"), new Dictionary<string, long[]>());

        // Standard ResNet18 convolutions at 224×224 (the published ~1.8 GMACs): stem 64·112·112·3·7·7,
        // four 3×3 64-channel convs at 56×56, then per later stage one strided 3×3 conv, one 1×1
        // projection and three 3×3 convs, each stage at half the size and twice the channels.
        const long Stem = 64L * 112 * 112 * 3 * 7 * 7;
        const long Conv3x3 = 64L * 56 * 56 * 64 * 3 * 3; // the same for every stage: C·H·W·C·9
        const long Stage = (Conv3x3 / 2) + (Conv3x3 / 18) + (3 * Conv3x3);
        const long Standard = Stem + (4 * Conv3x3) + (3 * Stage);
        Assert.Equal(1_813_561_344, Standard);
        // This CNTK export has one more 512-channel basic block (22 convs, 9 residual adds instead of 20 and 8).
        Assert.Equal(22, report.OpTypes.Single(o => o.OpType == "Conv").Count);
        Assert.Equal(Standard + (2 * Conv3x3), report.TotalMacs);
        Assert.Equal(15_908_800, report.ParameterCount);
        Assert.Empty(report.Unresolved);
        Assert.Empty(report.Assumptions);
    }

    [Fact]
    public void Inspect_MiniLmAt128Tokens_CountsProjectionsFeedForwardAndAttention()
    {
        var report = ModelInspector.Inspect(RepoPaths.DemoModel("minilm"), new Dictionary<string, long[]> { ["input_ids"] = [1, 128] });

        const long Tokens = 128, Hidden = 384, Ffn = 1536, Heads = 12, HeadSize = 32;
        const long Projections = 4 * Tokens * Hidden * Hidden; // Q, K, V, attention output
        const long FeedForward = 2 * Tokens * Hidden * Ffn;
        const long Attention = 2 * Heads * Tokens * Tokens * HeadSize; // Q·Kᵀ and scores·V
        const long Pooler = Hidden * Hidden; // Gemm on the first token
        Assert.Equal((6 * (Projections + FeedForward + Attention)) + Pooler, report.TotalMacs);
        Assert.Equal(22_713_772, report.ParameterCount);
        Assert.Empty(report.Unresolved);
        Assert.Empty(report.Assumptions); // sequence and batch bound from input_ids
    }
}
