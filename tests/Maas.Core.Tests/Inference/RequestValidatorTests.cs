using Maas.Buffers;
using Maas.Core.Inference;
using Maas.Errors;
using Maas.Inference;
using Maas.Models;
using Maas.Tensors;

namespace Maas.Core.Tests.Inference;

public class RequestValidatorTests
{
    private const string Model = "add";

    // a, b: FP32 [-1,4]; outputs sum, product (in that order).
    private static readonly ModelMetadata AddAndMultiply = new(
        "test",
        [new TensorMetadata("a", DataType.Fp32, TensorShape.Of(-1, 4)), new TensorMetadata("b", DataType.Fp32, TensorShape.Of(-1, 4))],
        [new TensorMetadata("sum", DataType.Fp32, TensorShape.Of(-1, 4)), new TensorMetadata("product", DataType.Fp32, TensorShape.Of(-1, 4))]);

    private static readonly ModelMetadata Tokenizer = new(
        "test",
        [new TensorMetadata("text", DataType.Bytes, TensorShape.Of(-1))],
        [new TensorMetadata("ids", DataType.Int64, TensorShape.Of(-1))]);

    private static Tensor Fp32(string name, params long[] dims)
    {
        var shape = new TensorShape(dims);
        return new Tensor(name, DataType.Fp32, shape, new byte[shape.ElementCount * 4]);
    }

    private static Tensor Text(string name, long[] dims, params string[] elements)
    {
        var writer = new PooledBufferWriter();
        foreach (var element in elements)
        {
            BytesElements.Write(writer, System.Text.Encoding.UTF8.GetBytes(element));
        }

        var data = writer.WrittenSpan.ToArray();
        writer.Dispose();
        return new Tensor(name, DataType.Bytes, new TensorShape(dims), data);
    }

    private static InferenceRequest Request(params Tensor[] inputs)
    {
        var request = new InferenceRequest(Model);
        request.Inputs.AddRange(inputs);
        return request;
    }

    private static MaasError Invalid(ModelMetadata metadata, InferenceRequest request)
    {
        var error = Assert.Throws<MaasError>(() => RequestValidator.Validate(Model, metadata, request));
        Assert.Equal(MaasErrorCode.InvalidArgument, error.Code);
        return error;
    }

    [Fact]
    public void Validate_WhenRequestFits_ReturnsAllOutputsInModelOrder()
    {
        using var request = Request(Fp32("a", 2, 4), Fp32("b", 2, 4));

        var outputs = RequestValidator.Validate(Model, AddAndMultiply, request);

        Assert.Equal(["sum", "product"], outputs);
    }

    [Fact]
    public void Validate_WhenInputsComeInAnotherOrder_Accepts()
    {
        using var request = Request(Fp32("b", 1, 4), Fp32("a", 1, 4));

        Assert.Equal(2, RequestValidator.Validate(Model, AddAndMultiply, request).Count);
    }

    [Fact]
    public void Validate_WhenRequestedOutputsIsEmpty_ReturnsAllOutputs()
    {
        using var request = Request(Fp32("a", 1, 4), Fp32("b", 1, 4));
        request.Outputs = [];

        Assert.Equal(["sum", "product"], RequestValidator.Validate(Model, AddAndMultiply, request));
    }

    [Fact]
    public void Validate_WhenOutputsAreRequested_ReturnsThemInRequestOrder()
    {
        using var request = Request(Fp32("a", 1, 4), Fp32("b", 1, 4));
        request.Outputs = [new RequestedOutput("product"), new RequestedOutput("sum")];

        Assert.Equal(["product", "sum"], RequestValidator.Validate(Model, AddAndMultiply, request));
    }

    [Fact]
    public void Validate_WhenASubsetOfOutputsIsRequested_ReturnsOnlyThose()
    {
        using var request = Request(Fp32("a", 1, 4), Fp32("b", 1, 4));
        request.Outputs = [new RequestedOutput("product")];

        Assert.Equal(["product"], RequestValidator.Validate(Model, AddAndMultiply, request));
    }

    [Fact]
    public void Validate_WhenDynamicDimensionIsZero_Accepts()
    {
        using var request = Request(Fp32("a", 0, 4), Fp32("b", 0, 4));

        Assert.Equal(2, RequestValidator.Validate(Model, AddAndMultiply, request).Count);
    }

    [Fact]
    public void Validate_WhenInputMissing_NamesTheInputItsTypeAndShape()
    {
        using var request = Request(Fp32("a", 1, 4));

        var error = Invalid(AddAndMultiply, request);

        Assert.Equal("Model 'add' requires input 'b' (FP32 [-1,4]), which the request lacks.", error.Message);
    }

    [Fact]
    public void Validate_WhenRequestHasNoInputs_NamesTheFirstMissingInput()
    {
        using var request = Request();

        var error = Invalid(AddAndMultiply, request);

        Assert.Contains("requires input 'a' (FP32 [-1,4])", error.Message);
    }

    [Fact]
    public void Validate_WhenInputUnknown_NamesItAndListsTheModelsInputs()
    {
        using var request = Request(Fp32("a", 1, 4), Fp32("b", 1, 4), Fp32("c", 1, 4));

        var error = Invalid(AddAndMultiply, request);

        Assert.Equal("Input 'c' is not an input of model 'add'; its inputs are 'a' (FP32 [-1,4]), 'b' (FP32 [-1,4]).", error.Message);
    }

    [Fact]
    public void Validate_WhenModelHasNoInputs_SaysNone()
    {
        var metadata = new ModelMetadata("test", [], AddAndMultiply.Outputs);
        using var request = Request(Fp32("a", 1, 4));

        var error = Invalid(metadata, request);

        Assert.Contains("its inputs are none", error.Message);
    }

    [Fact]
    public void Validate_WhenInputDuplicated_NamesTheInput()
    {
        using var request = Request(Fp32("a", 1, 4), Fp32("b", 1, 4), Fp32("a", 1, 4));

        var error = Invalid(AddAndMultiply, request);

        Assert.Equal("Input 'a' appears more than once in the request for model 'add'; send each input once.", error.Message);
    }

    [Fact]
    public void Validate_WhenDatatypeMismatches_NamesTheInputTheActualAndTheExpectedType()
    {
        var wrong = new Tensor("b", DataType.Int32, TensorShape.Of(1, 4), new byte[16]);
        using var request = Request(Fp32("a", 1, 4), wrong);

        var error = Invalid(AddAndMultiply, request);

        Assert.Equal("Input 'b' of model 'add' has datatype INT32, but the model expects FP32.", error.Message);
    }

    [Fact]
    public void Validate_WhenRankMismatches_NamesTheInputTheActualAndTheExpectedShape()
    {
        using var request = Request(Fp32("a", 4), Fp32("b", 1, 4));

        var error = Invalid(AddAndMultiply, request);

        Assert.Equal("Input 'a' of model 'add' has shape [4] (rank 1), but the model expects rank 2: [-1,4] (-1 = any size).", error.Message);
    }

    [Fact]
    public void Validate_WhenFixedDimensionMismatches_NamesTheInputTheDimensionAndBothShapes()
    {
        using var request = Request(Fp32("a", 2, 5), Fp32("b", 2, 4));

        var error = Invalid(AddAndMultiply, request);

        Assert.Equal("Input 'a' of model 'add' has shape [2,5], but dimension 1 must be 4 (the model expects [-1,4], -1 = any size).", error.Message);
    }

    [Fact]
    public void Validate_WhenRequestDimensionIsNegative_SaysShapesMustBeConcrete()
    {
        var dynamic = new Tensor("a", DataType.Fp32, TensorShape.Of(-1, 4), new byte[16]);
        using var request = Request(dynamic, Fp32("b", 1, 4));

        var error = Invalid(AddAndMultiply, request);

        Assert.Equal("Input 'a' has shape [-1,4]: dimension 0 is negative; request shapes must be concrete.", error.Message);
    }

    [Theory]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(0)]
    public void Validate_WhenDataLengthDisagreesWithShape_NamesTheInputTheNeededAndTheActualBytes(int length)
    {
        var shortData = new Tensor("a", DataType.Fp32, TensorShape.Of(2, 4), new byte[length]);
        using var request = Request(shortData, Fp32("b", 2, 4));

        var error = Invalid(AddAndMultiply, request);

        Assert.Equal($"Tensor 'a' has shape [2,4], which needs 8 FP32 elements (32 bytes), but {length} bytes of data came.", error.Message);
    }

    [Fact]
    public void Validate_WhenBytesInputFits_Accepts()
    {
        using var request = Request(Text("text", [3], "one", "", "three"));

        Assert.Equal(["ids"], RequestValidator.Validate(Model, Tokenizer, request));
    }

    [Fact]
    public void Validate_WhenBytesInputIsMalformed_NamesTheInputAndTheOffset()
    {
        // One good element ("ok"), then a prefix announcing 9 bytes where only 1 follows.
        byte[] data = [2, 0, 0, 0, (byte)'o', (byte)'k', 9, 0, 0, 0, (byte)'x'];
        using var request = Request(new Tensor("text", DataType.Bytes, TensorShape.Of(2), data));

        var error = Invalid(Tokenizer, request);

        Assert.Equal("BYTES tensor 'text' is malformed at byte 6: each element must be a 4-byte little-endian length followed by that many bytes.", error.Message);
    }

    [Fact]
    public void Validate_WhenBytesPrefixIsCutShort_NamesTheInputAndTheOffset()
    {
        using var request = Request(new Tensor("text", DataType.Bytes, TensorShape.Of(1), new byte[] { 1, 0 }));

        var error = Invalid(Tokenizer, request);

        Assert.Contains("BYTES tensor 'text' is malformed at byte 0", error.Message);
    }

    [Fact]
    public void Validate_WhenBytesCountMismatchesShape_NamesTheInputTheExpectedAndTheActualCount()
    {
        using var request = Request(Text("text", [3], "one", "two"));

        var error = Invalid(Tokenizer, request);

        Assert.Equal("BYTES tensor 'text' has shape [3], which needs 3 elements, but 2 came.", error.Message);
    }

    [Fact]
    public void Validate_WhenRequestedOutputUnknown_NamesItAndListsTheModelsOutputs()
    {
        using var request = Request(Fp32("a", 1, 4), Fp32("b", 1, 4));
        request.Outputs = [new RequestedOutput("sum"), new RequestedOutput("difference")];

        var error = Invalid(AddAndMultiply, request);

        Assert.Equal("Output 'difference' is not an output of model 'add'; its outputs are 'sum' (FP32 [-1,4]), 'product' (FP32 [-1,4]).", error.Message);
    }

    [Fact]
    public void Validate_WhenRequestedOutputDuplicated_NamesTheOutput()
    {
        using var request = Request(Fp32("a", 1, 4), Fp32("b", 1, 4));
        request.Outputs = [new RequestedOutput("sum"), new RequestedOutput("product"), new RequestedOutput("sum")];

        var error = Invalid(AddAndMultiply, request);

        Assert.Equal("Output 'sum' is requested more than once; request each output once.", error.Message);
    }

    [Fact]
    public void ValidateData_WhenShapeOverflows_SaysSo()
    {
        var tensor = new Tensor("a", DataType.Fp32, TensorShape.Of(long.MaxValue, 2), new byte[8]);

        var error = Assert.Throws<MaasError>(() => RequestValidator.ValidateData(tensor));

        Assert.Equal(MaasErrorCode.InvalidArgument, error.Code);
        Assert.Equal("Tensor 'a' has shape [9223372036854775807,2], whose element count is negative or overflows; send a concrete shape.", error.Message);
    }

    [Fact]
    public void ValidateData_WhenByteSizeWouldOverflow_RejectsWithoutWrapping()
    {
        // 2^62 FP32 elements: the element count fits in a long, the byte size does not.
        var tensor = new Tensor("a", DataType.Fp32, TensorShape.Of(1L << 62), new byte[16]);

        var error = Assert.Throws<MaasError>(() => RequestValidator.ValidateData(tensor));

        Assert.Equal("Tensor 'a' has shape [4611686018427387904], which needs 4611686018427387904 FP32 elements (more bytes than can exist), but 16 bytes of data came.", error.Message);
    }

    [Fact]
    public void ValidateData_WhenScalarHasOneElement_Accepts()
    {
        var tensor = new Tensor("x", DataType.Int64, TensorShape.Scalar, new byte[8]);

        var error = Record.Exception(() => RequestValidator.ValidateData(tensor));

        Assert.Null(error);
    }

    [Fact]
    public void ValidateData_WhenZeroElementBytesTensorHasData_Rejects()
    {
        var tensor = Text("text", [0], "stray");

        var error = Assert.Throws<MaasError>(() => RequestValidator.ValidateData(tensor));

        Assert.Equal("BYTES tensor 'text' has shape [0], which needs 0 elements, but 1 came.", error.Message);
    }
}
