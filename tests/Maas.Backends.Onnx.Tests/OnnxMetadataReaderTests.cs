using Maas.Backends.Onnx.Tests.Support;
using Maas.Models;
using Maas.Tensors;
using Maas.TestModels;

namespace Maas.Backends.Onnx.Tests;

public class OnnxMetadataReaderTests
{
    private static TensorMetadata Fp32(string name, params long[] dims) => new(name, DataType.Fp32, new TensorShape(dims));

    [Fact]
    public void Read_Add_GivesNamesTypesAndDynamicBatchAsMinusOne()
    {
        using var loaded = TempModel.Load(TestModelFactory.Add());

        Assert.Equal("onnxruntime_onnx", loaded.Metadata.Platform);
        Assert.Equal([Fp32("a", -1, 4), Fp32("b", -1, 4)], loaded.Metadata.Inputs);
        Assert.Equal([Fp32("sum", -1, 4)], loaded.Metadata.Outputs);
    }

    [Fact]
    public void Read_AddAndMultiply_KeepsTheModelsOutputOrder()
    {
        using var loaded = TempModel.Load(TestModelFactory.AddAndMultiply());

        Assert.Equal([Fp32("a", -1, 4), Fp32("b", -1, 4)], loaded.Metadata.Inputs);
        Assert.Equal([Fp32("sum", -1, 4), Fp32("product", -1, 4)], loaded.Metadata.Outputs);
    }

    [Fact]
    public void Read_SmallConvNet_GivesTheImageAndLogitShapes()
    {
        using var loaded = TempModel.Load(TestModelFactory.SmallConvNet());

        Assert.Equal([Fp32("input", -1, 1, 28, 28)], loaded.Metadata.Inputs);
        Assert.Equal([Fp32("logits", -1, 10)], loaded.Metadata.Outputs);
    }

    [Fact]
    public void Read_WhenDimensionsAreFixed_KeepsThem()
    {
        using var loaded = TempModel.Load(TestModelFactory.Identity(OnnxElementType.Int32, 2, 3, 5));

        Assert.Equal(new TensorMetadata("x", DataType.Int32, TensorShape.Of(2, 3, 5)), Assert.Single(loaded.Metadata.Inputs));
        Assert.Equal(new TensorMetadata("y", DataType.Int32, TensorShape.Of(2, 3, 5)), Assert.Single(loaded.Metadata.Outputs));
    }

    [Fact]
    public void Read_WhenEveryDimensionIsSymbolic_ReportsEachAsMinusOne()
    {
        using var loaded = TempModel.Load(TestModelFactory.Identity(OnnxElementType.Float, "batch", "sequence"));

        Assert.Equal(TensorShape.Of(-1, -1), loaded.Metadata.Inputs[0].Shape);
    }

    [Fact]
    public void Read_WhenScalar_ReportsRankZero()
    {
        using var loaded = TempModel.Load(TestModelFactory.Identity(OnnxElementType.Double));

        Assert.Equal(TensorShape.Scalar, loaded.Metadata.Inputs[0].Shape);
        Assert.Equal(DataType.Fp64, loaded.Metadata.Inputs[0].DataType);
    }

    [Theory]
    [MemberData(nameof(OnnxInstanceTests.EveryDataType), MemberType = typeof(OnnxInstanceTests))]
    public void Read_MapsEveryElementTypeToItsProtocolType(DataType type, int onnxType)
    {
        using var loaded = TempModel.Load(TestModelFactory.Identity(onnxType, "n"));

        Assert.Equal(type, loaded.Metadata.Inputs[0].DataType);
        Assert.Equal(type, loaded.Metadata.Outputs[0].DataType);
    }

    [Theory]
    [InlineData(14, 13)] // COMPLEX64: no CPU kernel registered
    [InlineData(17, 19)] // FLOAT8E4M3FN: the .NET binding has no element type for it
    public void Load_WhenElementTypeHasNoProtocolDatatype_ThrowsInvalidArgumentNamingTheFile(int onnxType, int opset)
    {
        // ONNX Runtime refuses these at load, before the signature (and its Unsupported check) is read.
        var model = new OnnxGraphBuilder("exotic")
            .AddInput("x", onnxType, 2)
            .AddOutput("y", onnxType, 2)
            .AddNode("Identity", ["x"], ["y"])
            .Build(opset: opset, irVersion: 9);

        var error = Assert.Throws<Maas.Errors.MaasError>(() => TempModel.Load(model));

        Assert.Equal(Maas.Errors.MaasErrorCode.InvalidArgument, error.Code);
        Assert.StartsWith("ONNX Runtime cannot load ", error.Message);
        Assert.Contains("model.onnx", error.Message);
    }
}
