using Maas.Errors;
using Maas.Optimization.Inspection;
using Maas.Optimization.Onnx;
using Maas.Optimization.Pruning;
using Maas.Optimization.Tests.Support;
using Maas.TestModels;

namespace Maas.Optimization.Tests.Pruning;

public class SmallModelPruningTests
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

    private static (byte[] Bytes, long[] Shape) Model(string name) => name == "cnn"
        ? (TestModelFactory.SmallConvNet(), [1, 1, 28, 28])
        : (TestModelFactory.Mlp(), [1, 784]);

    [Theory]
    [InlineData("cnn", 0.5)]
    [InlineData("mlp", 0.5)]
    [InlineData("mlp", 0.9)]
    public void Unstructured_EveryWeightTensor_ReachesTheRequestedSparsityWithinOneWeight(string name, double sparsity)
    {
        var model = OnnxModelFile.Parse(Model(name).Bytes);

        var result = ModelPruner.Prune(model, new PruningOptions { Sparsity = sparsity });

        Assert.NotEmpty(result.Tensors);
        Assert.All(result.Tensors, t => Assert.InRange(t.Zeros, Math.Floor(t.ElementsBefore * sparsity), Math.Ceiling(t.ElementsBefore * sparsity)));
        Assert.All(result.Tensors, t => Assert.Equal(t.ShapeBefore, t.ShapeAfter));
        Assert.Equal(result.ParametersBefore, result.ParametersAfter);
        Assert.InRange(result.PrunedTensorSparsity, sparsity - 0.01, sparsity + 0.01);
    }

    [Theory]
    [InlineData("cnn", 0.2)]
    [InlineData("mlp", 0.5)]
    public void Unstructured_PrunedModel_RunsInOnnxRuntimeCloseToTheOriginal(string name, double sparsity)
    {
        using var folder = new TempFolder();
        var (bytes, shape) = Model(name);
        var source = folder.Write("model.onnx", bytes);
        var output = folder.File("pruned.onnx");
        var x = Input((int)shape.Aggregate(1L, (a, b) => a * b));

        ModelPruner.PruneFile(source, output, new PruningOptions { Sparsity = sparsity });

        var expected = Ort.RunFloat(source, "input", x, shape, "logits");
        var actual = Ort.RunFloat(output, "input", x, shape, "logits");
        // Random weights, no fine-tuning: a loose bound that still fails if pruning hit the wrong weights.
        Assert.True(Ort.Cosine(expected, actual) >= 0.9, $"cosine {Ort.Cosine(expected, actual):F4}");
        Assert.Equal(new FileInfo(source).Length, new FileInfo(output).Length, 64d);
    }

    [Theory]
    [InlineData("cnn", 426, 146, 0.8)]
    [InlineData("mlp", 203_530, 101_770, 0.6)]
    public void Structured_ShrinksTheParameterCountAndKeepsTheSignature(string name, long before, long after, double minCosine)
    {
        using var folder = new TempFolder();
        var (bytes, shape) = Model(name);
        var source = folder.Write("model.onnx", bytes);
        var output = folder.File("pruned.onnx");
        var x = Input((int)shape.Aggregate(1L, (a, b) => a * b));

        var result = ModelPruner.PruneFile(source, output, new PruningOptions { Sparsity = 0.5, Structured = true });

        var inputShapes = new Dictionary<string, long[]> { ["input"] = shape };
        Assert.Equal(before, ModelInspector.Inspect(source, inputShapes).ParameterCount);
        Assert.Equal(after, ModelInspector.Inspect(output, inputShapes).ParameterCount);
        Assert.Equal(after, result.ParametersAfter);
        Assert.True(new FileInfo(output).Length < new FileInfo(source).Length);
        var expected = Ort.RunFloat(source, "input", x, shape, "logits");
        var actual = Ort.RunFloat(output, "input", x, shape, "logits");
        Assert.Equal(10, actual.Length);
        // Half the channels of random-weight layers gone, no fine-tuning: the outputs move a lot (measured 0.97 CNN, 0.68 MLP).
        Assert.True(Ort.Cosine(expected, actual) >= minCosine, $"cosine {Ort.Cosine(expected, actual):F4}");
    }

    [Fact]
    public void Structured_SmallConvNet_ShrinksBothConvsAndLeavesTheClassifierWithTheReason()
    {
        var model = OnnxModelFile.Parse(TestModelFactory.SmallConvNet());

        var result = ModelPruner.Prune(model, new PruningOptions { Sparsity = 0.5, Structured = true });

        var conv2 = result.Tensors.Single(t => t.Name == "conv2.weight");
        Assert.Equal([8, 4, 3, 3], conv2.ShapeBefore);
        Assert.Equal([4, 2, 3, 3], conv2.ShapeAfter);
        Assert.Equal([10, 4], result.Tensors.Single(t => t.Name == "fc.weight").ShapeAfter);
        var skipped = Assert.Single(result.SkippedNodes);
        Assert.Equal("/fc/Gemm", skipped.Name);
        Assert.Contains("graph output 'logits'", skipped.Reason);
    }

    [Fact]
    public void Structured_BatchOfTwo_StillRuns()
    {
        using var folder = new TempFolder();
        var source = folder.Write("model.onnx", TestModelFactory.SmallConvNet());
        var output = folder.File("pruned.onnx");
        ModelPruner.PruneFile(source, output, new PruningOptions { Sparsity = 0.5, Structured = true });

        var logits = Ort.RunFloat(output, "input", Input(2 * 28 * 28), [2, 1, 28, 28], "logits");

        Assert.Equal(20, logits.Length);
    }

    [Fact]
    public void ExcludedNode_KeepsItsWeights()
    {
        var model = OnnxModelFile.Parse(TestModelFactory.Mlp());

        var result = ModelPruner.Prune(model, new PruningOptions { ExcludedNodes = new HashSet<string> { "/fc1/Gemm" } });

        Assert.Equal(["fc2.weight"], result.Tensors.Select(t => t.Name));
        Assert.Contains(result.SkippedNodes, s => s.Name == "/fc1/Gemm" && s.Reason.Contains("excluded"));
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void SparsityOutsideTheRange_IsInvalidArgumentNamingTheValue(double sparsity)
    {
        var model = OnnxModelFile.Parse(TestModelFactory.Mlp());

        var error = Assert.Throws<MaasError>(() => ModelPruner.Prune(model, new PruningOptions { Sparsity = sparsity }));

        Assert.Equal(MaasErrorCode.InvalidArgument, error.Code);
        Assert.Contains("outside [0, 1)", error.Message);
    }

    [Fact]
    public void ModelWithNothingToPrune_IsInvalidArgumentSayingWhy()
    {
        var model = OnnxModelFile.Parse(TestModelFactory.Add());

        var error = Assert.Throws<MaasError>(() => ModelPruner.Prune(model, new PruningOptions()));

        Assert.Contains("Nothing to prune", error.Message);
        Assert.Contains("no MatMul, Gemm or Conv", error.Message);
    }

    [Fact]
    public void NotAnOnnxFile_IsInvalidArgument()
    {
        using var folder = new TempFolder();
        var path = folder.Write("notes.onnx", "hello"u8.ToArray());

        var error = Assert.Throws<MaasError>(() => ModelPruner.PruneFile(path, folder.File("out.onnx"), new PruningOptions()));

        Assert.Contains("is not an ONNX model", error.Message);
        Assert.False(File.Exists(folder.File("out.onnx")));
    }
}
