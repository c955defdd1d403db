using Maas.Models;
using Maas.Tensors;

namespace Maas.Abstractions.Tests.Models;

public class ModelMetadataTests
{
    private static readonly ModelMetadata Metadata = new(
        "onnxruntime_onnx",
        [new TensorMetadata("a", DataType.Fp32, TensorShape.Of(-1, 4)), new TensorMetadata("b", DataType.Int64, TensorShape.Of(2))],
        [new TensorMetadata("sum", DataType.Fp32, TensorShape.Of(-1, 4))]);

    [Fact]
    public void FindInput_ReturnsTheNamedInput()
    {
        var b = Metadata.FindInput("b");

        Assert.NotNull(b);
        Assert.Equal(DataType.Int64, b.DataType);
        Assert.Equal(TensorShape.Of(2), b.Shape);
    }

    [Fact]
    public void FindOutput_ReturnsTheNamedOutput()
    {
        Assert.Equal("sum", Metadata.FindOutput("sum")?.Name);
    }

    [Theory]
    [InlineData("A")]
    [InlineData("sum")]
    [InlineData("")]
    public void FindInput_WhenNoInputHasThatExactName_ReturnsNull(string name)
    {
        Assert.Null(Metadata.FindInput(name));
    }

    [Fact]
    public void FindOutput_WhenNameIsAnInput_ReturnsNull()
    {
        Assert.Null(Metadata.FindOutput("a"));
    }

    [Fact]
    public void EngineOptions_DefaultToEngineChoiceAndFullOptimization()
    {
        var options = new EngineOptions();

        Assert.Equal(0, options.IntraOpThreads);
        Assert.Equal(0, options.InterOpThreads);
        Assert.Equal(GraphOptimizationLevel.All, options.GraphOptimizationLevel);
    }
}
