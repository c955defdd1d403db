using System.Text;
using Maas.Client.Http;
using Maas.Tensors;

namespace Maas.Client.Tests.Http;

public sealed class InferResponseReaderTests
{
    [Fact]
    public void Read_WithDataBeforeDatatype_AndNestedData_ReadsTheValues()
    {
        var body = Encoding.UTF8.GetBytes("""
            {"outputs":[{"data":[[1.5,-2],[3,4]],"shape":[2,2],"name":"y","datatype":"FP32","extra":{"k":[1]}}],
             "model_version":"3","model_name":"m","id":"q","parameters":{"p":1}}
            """);

        var result = InferResponseReader.Read(body, headerLength: null);

        Assert.Equal(("m", "3", "q"), (result.ModelName, result.ModelVersion, result.Id));
        var y = Assert.Single(result.Outputs);
        Assert.Equal([2L, 2L], y.Shape);
        Assert.Equal([1.5f, -2f, 3f, 4f], y.ToArray<float>());
    }

    [Fact]
    public void Read_NonFiniteStrings_BecomeNonFiniteFloats()
    {
        var body = Encoding.UTF8.GetBytes("""{"outputs":[{"name":"y","datatype":"FP64","shape":[3],"data":["NaN","Infinity","-Infinity"]}]}""");

        var values = InferResponseReader.Read(body, null).Output("y").ToArray<double>();

        Assert.True(double.IsNaN(values[0]));
        Assert.Equal([double.PositiveInfinity, double.NegativeInfinity], values[1..]);
    }

    [Fact]
    public void Read_BinaryOutputs_TakeConsecutiveSlicesAfterTheHeader()
    {
        var header = Encoding.UTF8.GetBytes("""
            {"outputs":[{"name":"a","datatype":"UINT8","shape":[2],"parameters":{"binary_data_size":2}},
                        {"name":"b","datatype":"INT16","shape":[1],"parameters":{"binary_data_size":2}},
                        {"name":"c","datatype":"INT32","shape":[1],"data":[7]}]}
            """);
        byte[] body = [.. header, 9, 8, 0xFF, 0x7F];

        var result = InferResponseReader.Read(body, header.Length);

        Assert.Equal([9, 8], result.Output("a").ToArray<byte>());
        Assert.Equal([short.MaxValue], result.Output("b").ToArray<short>());
        Assert.Equal([7], result.Output("c").ToArray<int>());
    }

    [Theory]
    [InlineData("""{"outputs":[{"name":"y","datatype":"FP32","shape":[1],"parameters":{"binary_data_size":8}}]}""", "only 0 remain")]
    [InlineData("""{"outputs":[{"name":"y","datatype":"FP99","shape":[1],"data":[1]}]}""", "'FP99' is not a KServe v2 datatype")]
    [InlineData("""{"outputs":[{"name":"y","datatype":"INT8","shape":[1],"data":["x"]}]}""", "not a number")]
    [InlineData("""{"outputs":[{"name":"y","shape":[1],"data":[1]}]}""", "lacks its name, datatype or shape")]
    [InlineData("""{"outputs":[{"name":"y","datatype":"INT8","shape":[1],"data":[1]""", "not valid JSON")]
    public void Read_AMalformedAnswer_ThrowsAClientExceptionSayingWhat(string json, string fragment)
    {
        var error = Assert.Throws<MaasClientException>(() => InferResponseReader.Read(Encoding.UTF8.GetBytes(json), null));

        Assert.Contains(fragment, error.Message);
    }

    [Fact]
    public void Read_BinaryBytesThatNoOutputClaims_AreAnError()
    {
        var header = Encoding.UTF8.GetBytes("""{"outputs":[]}""");

        var error = Assert.Throws<MaasClientException>(() => InferResponseReader.Read([.. header, 1, 2], header.Length));

        Assert.Contains("2 bytes of binary data that no output claims", error.Message);
    }

    [Fact]
    public void Read_BytesStrings_BecomeLengthPrefixedElements()
    {
        var body = Encoding.UTF8.GetBytes("""{"outputs":[{"name":"s","datatype":"BYTES","shape":[2],"data":["ab","é"]}]}""");

        var s = InferResponseReader.Read(body, null).Output("s");

        Assert.Equal(DataType.Bytes, s.DataType);
        Assert.Equal(["ab", "é"], s.ToStrings());
    }
}
