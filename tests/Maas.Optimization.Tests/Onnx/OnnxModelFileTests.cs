using Maas.Errors;
using Maas.Optimization.Onnx;
using Maas.Optimization.Tests.Support;
using Maas.TestModels;

namespace Maas.Optimization.Tests.Onnx;

public class OnnxModelFileTests
{
    [Theory]
    [InlineData("minilm")]
    [InlineData("resnet18")]
    public void ReadThenWrite_RealModel_IsBitIdentical(string name)
    {
        var path = RepoPaths.DemoModel(name);
        var original = File.ReadAllBytes(path);

        var written = OnnxModelFile.ToBytes(OnnxModelFile.Read(path));

        Assert.Equal(original.Length, written.Length);
        Assert.True(original.AsSpan().SequenceEqual(written), $"{name}: the rewritten bytes differ from the file");
    }

    [Fact]
    public void ReadThenWrite_ModelWithPackedDims_KeepsEveryValue()
    {
        // The test writer packs repeated int64 fields; ONNX (proto2) writes them unpacked. Bytes may
        // differ, but the model must not.
        var bytes = TestModelFactory.SmallConvNet();

        var model = OnnxModelFile.Parse(bytes);
        var reparsed = OnnxModelFile.Parse(OnnxModelFile.ToBytes(model));

        Assert.Equal(model, reparsed);
        Assert.Equal(new long[] { 8, 4, 3, 3 }, reparsed.Graph.Initializer.Single(t => t.Name == "conv2.weight").Dims);
        Assert.Equal(7, reparsed.Graph.Node.Count);
    }

    [Fact]
    public void Read_TextFile_IsInvalidArgumentNamingTheFile()
    {
        using var folder = new TempFolder();
        var path = folder.Write("notes.onnx", "this is not a model, just text\n"u8.ToArray());

        var error = Assert.Throws<MaasError>(() => OnnxModelFile.Read(path));

        Assert.Equal(MaasErrorCode.InvalidArgument, error.Code);
        Assert.Contains("notes.onnx", error.Message);
        Assert.Contains("is not an ONNX model", error.Message);
    }

    [Fact]
    public void Read_TruncatedModel_IsInvalidArgument()
    {
        using var folder = new TempFolder();
        var bytes = TestModelFactory.SmallConvNet();
        var path = folder.Write("truncated.onnx", bytes[..(bytes.Length / 2)]);

        var error = Assert.Throws<MaasError>(() => OnnxModelFile.Read(path));

        Assert.Equal(MaasErrorCode.InvalidArgument, error.Code);
    }

    [Fact]
    public void Read_MissingFile_IsNotFound()
    {
        var error = Assert.Throws<MaasError>(() => OnnxModelFile.Read("/nonexistent/model.onnx"));

        Assert.Equal(MaasErrorCode.NotFound, error.Code);
        Assert.Contains("/nonexistent/model.onnx", error.Message);
    }
}
