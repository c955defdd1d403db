using Maas.Optimization.Onnx;
using Maas.Optimization.Shapes;
using Maas.TestModels;

namespace Maas.Optimization.Tests.Shapes;

public class ShapeInferenceTests
{
    private static ShapeInferenceResult Infer(byte[] model, Dictionary<string, long[]> inputs) =>
        ShapeInference.Infer(OnnxModelFile.Parse(model), inputs);

    [Fact]
    public void Infer_MiniLm_FollowsShapeArithmeticToEveryOutput()
    {
        var model = OnnxModelFile.Read(RepoPaths.DemoModel("minilm"));

        var result = ShapeInference.Infer(model, new Dictionary<string, long[]> { ["input_ids"] = [2, 9], ["attention_mask"] = [2, 9], ["token_type_ids"] = [2, 9] });

        Assert.Empty(result.UnresolvedNodes);
        Assert.Equal(new long[] { 2, 9, 384 }, result.Find("last_hidden_state")!.Shape);
        Assert.Equal(new long[] { 2, 384 }, result.Find("924")!.Shape);
        Assert.All(model.Graph.Node.SelectMany(n => n.Output), name => Assert.True(result.Find(name)!.IsFullyKnown, name));
    }

    [Fact]
    public void Infer_ResNet18_ReachesThePooledFeatures()
    {
        var model = OnnxModelFile.Read(RepoPaths.DemoModel("resnet18"));

        var result = ShapeInference.Infer(model, new Dictionary<string, long[]>());

        Assert.Empty(result.UnresolvedNodes);
        Assert.Equal(new long[] { 1, 512, 1, 1 }, result.Find("Pooling395_Output_0")!.Shape);
    }

    [Fact]
    public void Infer_StridedPaddedConvAndCeilPool_MatchHandComputedSizes()
    {
        // Conv 3→16, 5×5, stride 2, pads 2: (32 + 4 − 5) / 2 + 1 = 16. MaxPool 3×3 stride 2 ceil:
        // ceil((16 − 3) / 2) + 1 = 8 (floor would give 7).
        var bytes = new OnnxGraphBuilder()
            .AddInput("x", OnnxElementType.Float, 1, 3, 32, 32)
            .AddOutput("y", OnnxElementType.Float, 1, 16, 8, 8)
            .AddInitializer("w", new float[16 * 3 * 25], [16, 3, 5, 5])
            .AddNode("Conv", ["x", "w"], ["c"], OnnxAttributeValue.Ints("strides", 2, 2), OnnxAttributeValue.Ints("pads", 2, 2, 2, 2))
            .AddNode("MaxPool", ["c"], ["y"], OnnxAttributeValue.Ints("kernel_shape", 3, 3), OnnxAttributeValue.Ints("strides", 2, 2), OnnxAttributeValue.Int("ceil_mode", 1))
            .Build();

        var result = Infer(bytes, []);

        Assert.Equal(new long[] { 1, 16, 16, 16 }, result.Find("c")!.Shape);
        Assert.Equal(new long[] { 1, 16, 8, 8 }, result.Find("y")!.Shape);
    }

    [Fact]
    public void Infer_ReshapeFromComputedShape_ResolvesZeroAndMinusOne()
    {
        // y = Reshape(x, Concat(Gather(Shape(x), 0), [-1])) for x [3, 4, 5] → [3, 20]; z = Reshape(x, [0, -1, 10]) → [3, 2, 10].
        var bytes = new OnnxGraphBuilder()
            .AddInput("x", OnnxElementType.Float, "n", 4, 5)
            .AddOutput("y", OnnxElementType.Float, "n", 20)
            .AddOutput("z", OnnxElementType.Float, "n", 2, 10)
            .AddInitializer("zero", [0L], [1])
            .AddInitializer("minus_one", [-1L], [1])
            .AddInitializer("target", [0L, -1, 10], [3])
            .AddNode("Shape", ["x"], ["s"])
            .AddNode("Gather", ["s", "zero"], ["n"])
            .AddNode("Concat", ["n", "minus_one"], ["shape"], OnnxAttributeValue.Int("axis", 0))
            .AddNode("Reshape", ["x", "shape"], ["y"])
            .AddNode("Reshape", ["x", "target"], ["z"])
            .Build();

        var result = Infer(bytes, new() { ["x"] = [3, 4, 5] });

        Assert.Equal(new long[] { 3, 20 }, result.Find("y")!.Shape);
        Assert.Equal(new long[] { 3, 2, 10 }, result.Find("z")!.Shape);
    }

    [Fact]
    public void Infer_BroadcastMatMulTransposeSlice_MatchNumpy()
    {
        var bytes = new OnnxGraphBuilder()
            .AddInput("a", OnnxElementType.Float, 2, 1, 7, 8)
            .AddInput("b", OnnxElementType.Float, 3, 8, 5)
            .AddOutput("t", OnnxElementType.Float, 2, 3, 5, 7)
            .AddInitializer("starts", [-3L], [1])
            .AddInitializer("ends", [long.MaxValue], [1])
            .AddInitializer("axes", [3L], [1])
            .AddNode("MatMul", ["a", "b"], ["m"])
            .AddNode("Transpose", ["m"], ["t"], OnnxAttributeValue.Ints("perm", 0, 1, 3, 2))
            .AddNode("Slice", ["t", "starts", "ends", "axes"], ["s"])
            .Build();

        var result = Infer(bytes, []);

        Assert.Equal(new long[] { 2, 3, 7, 5 }, result.Find("m")!.Shape);
        Assert.Equal(new long[] { 2, 3, 5, 7 }, result.Find("t")!.Shape);
        Assert.Equal(new long[] { 2, 3, 5, 3 }, result.Find("s")!.Shape);
    }

    [Fact]
    public void Infer_UnknownOperator_IsListedAndItsOutputUnknown()
    {
        var bytes = new OnnxGraphBuilder()
            .AddInput("x", OnnxElementType.Float, 4)
            .AddOutput("y", OnnxElementType.Float, 4)
            .AddNode("Det", ["x"], ["d"])
            .AddNode("Relu", ["d"], ["y"])
            .Build();

        var result = Infer(bytes, []);

        var unresolved = Assert.Single(result.UnresolvedNodes);
        Assert.Contains("Det", unresolved);
        Assert.Null(result.Find("y")!.Shape);
    }

    [Fact]
    public void Broadcast_IncompatibleShapes_Throws()
    {
        Assert.Throws<ArgumentException>(() => ShapeInference.Broadcast([2, 3], [4, 3]));
        Assert.Equal(new long[] { 2, 4, 3 }, ShapeInference.Broadcast([2, 1, 3], [4, 1]));
    }
}
