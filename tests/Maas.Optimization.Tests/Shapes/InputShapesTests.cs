using Maas.Errors;
using Maas.Optimization.Onnx;
using Maas.Optimization.Shapes;
using Maas.TestModels;

namespace Maas.Optimization.Tests.Shapes;

public class InputShapesTests
{
    [Theory]
    [InlineData("input_ids=1x128", "input_ids", new long[] { 1, 128 })]
    [InlineData("Input247=1X3x224x224", "Input247", new long[] { 1, 3, 224, 224 })]
    [InlineData("a=b=2,3", "a=b", new long[] { 2, 3 })]
    public void Parse_NameEqualsDims(string text, string name, long[] dims)
    {
        var (parsedName, parsedDims) = InputShapes.Parse(text);

        Assert.Equal(name, parsedName);
        Assert.Equal(dims, parsedDims);
    }

    [Theory]
    [InlineData("input_ids")]
    [InlineData("=1x2")]
    [InlineData("x=1x-2")]
    [InlineData("x=1xbatch")]
    public void Parse_Malformed_IsInvalidArgumentWithAnExample(string text)
    {
        var error = Assert.Throws<MaasError>(() => InputShapes.Parse(text));

        Assert.Equal(MaasErrorCode.InvalidArgument, error.Code);
        Assert.Contains("=1x", error.Message);
    }

    [Fact]
    public void Resolve_SharedSymbolicDim_FollowsTheGivenInput()
    {
        var model = OnnxModelFile.Parse(TestModelFactory.Add()); // a, b: ["batch", 4]
        var assumptions = new List<string>();

        var shapes = InputShapes.Resolve(model, new Dictionary<string, long[]> { ["a"] = [6, 4] }, assumptions);

        Assert.Equal(new long[] { 6, 4 }, shapes["b"]);
        Assert.Empty(assumptions);
    }

    [Fact]
    public void Resolve_UngivenSymbolicDim_IsOneAndSaidSo()
    {
        var model = OnnxModelFile.Parse(TestModelFactory.Add());
        var assumptions = new List<string>();

        var shapes = InputShapes.Resolve(model, new Dictionary<string, long[]>(), assumptions);

        Assert.Equal(new long[] { 1, 4 }, shapes["a"]);
        Assert.Contains(assumptions, a => a.Contains("'batch'") && a.Contains("--input a="));
    }

    [Theory]
    [InlineData("c", new long[] { 1, 4 }, "not an input")]
    [InlineData("a", new long[] { 1, 4, 1 }, "3 dimensions")]
    [InlineData("a", new long[] { 1, 5 }, "fixed at 4")]
    public void Resolve_OverrideThatDoesNotFit_IsInvalidArgument(string name, long[] dims, string expected)
    {
        var model = OnnxModelFile.Parse(TestModelFactory.Add());

        var error = Assert.Throws<MaasError>(() => InputShapes.Resolve(model, new Dictionary<string, long[]> { [name] = dims }, []));

        Assert.Equal(MaasErrorCode.InvalidArgument, error.Code);
        Assert.Contains(expected, error.Message);
    }
}
