using System.Text;
using Maas.Backends.Onnx.Tests.Support;
using Maas.Errors;
using Maas.Tensors;
using Maas.TestModels;
using static Maas.Backends.Onnx.Tests.Support.TestTensors;

namespace Maas.Backends.Onnx.Tests;

public class OnnxInstanceTests
{
    // The ONNX element type for each protocol type, written out from onnx.proto rather than taken
    // from DataTypes, so a wrong production table cannot make these tests agree with it.
    public static TheoryData<DataType, int> EveryDataType => new()
    {
        { DataType.Bool, OnnxElementType.Bool },
        { DataType.UInt8, OnnxElementType.UInt8 },
        { DataType.UInt16, OnnxElementType.UInt16 },
        { DataType.UInt32, OnnxElementType.UInt32 },
        { DataType.UInt64, OnnxElementType.UInt64 },
        { DataType.Int8, OnnxElementType.Int8 },
        { DataType.Int16, OnnxElementType.Int16 },
        { DataType.Int32, OnnxElementType.Int32 },
        { DataType.Int64, OnnxElementType.Int64 },
        { DataType.Fp16, OnnxElementType.Float16 },
        { DataType.Bf16, OnnxElementType.BFloat16 },
        { DataType.Fp32, OnnxElementType.Float },
        { DataType.Fp64, OnnxElementType.Double },
        { DataType.Bytes, OnnxElementType.String },
    };

    [Fact]
    public void EveryDataType_CoversEveryProtocolType()
    {
        Assert.Equal(DataTypes.All.Order(), EveryDataType.Select(row => (DataType)row[0]).Order());
    }

    /// <summary>Six elements of <paramref name="type"/>, with values that exercise every byte.</summary>
    private static byte[] SampleData(DataType type)
    {
        if (type == DataType.Bytes)
        {
            return BytesData("hello"u8.ToArray(), [], Encoding.UTF8.GetBytes("grüße, 世界"), [0, 1, 0, 255], "x"u8.ToArray(), new byte[300]);
        }

        var data = new byte[6 * type.ElementSize()];
        for (var i = 0; i < data.Length; i++)
        {
            // BOOL must stay 0/1; other types get varied bit patterns (including the sign bits).
            data[i] = type == DataType.Bool ? (byte)(i % 2) : (byte)((i * 73) + 19);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryDataType))]
    public void Run_Identity_ReturnsTheInputByteForByte(DataType type, int onnxType)
    {
        using var loaded = TempModel.Load(TestModelFactory.Identity(onnxType, "n", 3), name: "identity");
        using var instance = loaded.Model.CreateInstance();
        var data = SampleData(type);
        using var request = Request("identity", new Tensor("x", type, TensorShape.Of(2, 3), data));

        using var response = instance.Run(request, ["y"], "1", CancellationToken.None);

        var output = Assert.Single(response.Outputs);
        Assert.Equal("y", output.Name);
        Assert.Equal(type, output.DataType);
        Assert.Equal(TensorShape.Of(2, 3), output.Shape);
        Assert.Equal(data, output.Data.ToArray());
    }

    [Theory]
    [MemberData(nameof(EveryDataType))]
    public void Run_Identity_WhenTensorHasZeroElements_ReturnsAnEmptyTensor(DataType type, int onnxType)
    {
        using var loaded = TempModel.Load(TestModelFactory.Identity(onnxType, "n", 3), name: "identity");
        using var instance = loaded.Model.CreateInstance();
        using var request = Request("identity", new Tensor("x", type, TensorShape.Of(0, 3), ReadOnlyMemory<byte>.Empty));

        using var response = instance.Run(request, ["y"], "1", CancellationToken.None);

        var output = Assert.Single(response.Outputs);
        Assert.Equal(type, output.DataType);
        Assert.Equal(TensorShape.Of(0, 3), output.Shape);
        Assert.True(output.Data.IsEmpty);
    }

    [Fact]
    public void Run_Identity_WhenScalar_ReturnsTheScalar()
    {
        using var loaded = TempModel.Load(TestModelFactory.Identity(OnnxElementType.Int64), name: "identity");
        using var instance = loaded.Model.CreateInstance();
        var data = BitConverter.GetBytes(-1234567890123L);
        using var request = Request("identity", new Tensor("x", DataType.Int64, TensorShape.Scalar, data));

        using var response = instance.Run(request, ["y"], "1", CancellationToken.None);

        var output = Assert.Single(response.Outputs);
        Assert.Equal(TensorShape.Scalar, output.Shape);
        Assert.Equal(data, output.Data.ToArray());
    }

    [Fact]
    public void Run_Add_ComputesTheSumAndNamesModelAndVersion()
    {
        using var loaded = TempModel.Load(TestModelFactory.Add(), name: "add");
        using var instance = loaded.Model.CreateInstance();
        using var request = Request("add",
            Fp32("a", [2, 4], 1, 2, 3, 4, 5, 6, 7, 8),
            Fp32("b", [2, 4], 10, 20, 30, 40, 50, 60, 70, 80));

        using var response = instance.Run(request, ["sum"], "7", CancellationToken.None);

        Assert.Equal("add", response.ModelName);
        Assert.Equal("7", response.ModelVersion);
        var sum = Assert.Single(response.Outputs);
        Assert.Equal(TensorShape.Of(2, 4), sum.Shape);
        Assert.Equal([11f, 22, 33, 44, 55, 66, 77, 88], AsFloats(sum));
    }

    [Fact]
    public void Run_WhenInputIsASliceOfALargerBuffer_ReadsOnlyThatSlice()
    {
        using var loaded = TempModel.Load(TestModelFactory.Add(), name: "add");
        using var instance = loaded.Model.CreateInstance();
        // Both inputs live in one buffer, at offsets that are not multiples of 4, as in a binary request body.
        var body = new byte[3 + 16 + 5 + 16];
        BitConverter.GetBytes(1f).CopyTo(body, 3);
        BitConverter.GetBytes(2f).CopyTo(body, 7);
        BitConverter.GetBytes(3f).CopyTo(body, 11);
        BitConverter.GetBytes(4f).CopyTo(body, 15);
        for (var i = 0; i < 4; i++)
        {
            BitConverter.GetBytes(100f).CopyTo(body, 24 + (i * 4));
        }

        using var request = Request("add",
            new Tensor("a", DataType.Fp32, TensorShape.Of(1, 4), body.AsMemory(3, 16)),
            new Tensor("b", DataType.Fp32, TensorShape.Of(1, 4), body.AsMemory(24, 16)));

        using var response = instance.Run(request, ["sum"], "1", CancellationToken.None);

        Assert.Equal([101f, 102, 103, 104], AsFloats(response.Outputs[0]));
    }

    [Fact]
    public void Run_WhenOneOutputIsRequested_ReturnsOnlyThatOutput()
    {
        using var loaded = TempModel.Load(TestModelFactory.AddAndMultiply(), name: "math");
        using var instance = loaded.Model.CreateInstance();
        using var request = Request("math", Fp32("a", [1, 4], 1, 2, 3, 4), Fp32("b", [1, 4], 2, 3, 4, 5));

        using var response = instance.Run(request, ["product"], "1", CancellationToken.None);

        var product = Assert.Single(response.Outputs);
        Assert.Equal("product", product.Name);
        Assert.Equal([2f, 6, 12, 20], AsFloats(product));
    }

    [Fact]
    public void Run_ReturnsOutputsInTheRequestedOrder()
    {
        using var loaded = TempModel.Load(TestModelFactory.AddAndMultiply(), name: "math");
        using var instance = loaded.Model.CreateInstance();
        using var request = Request("math", Fp32("a", [1, 4], 1, 2, 3, 4), Fp32("b", [1, 4], 2, 3, 4, 5));

        using var response = instance.Run(request, ["product", "sum"], "1", CancellationToken.None);

        Assert.Equal(["product", "sum"], response.Outputs.Select(o => o.Name));
        Assert.Equal([2f, 6, 12, 20], AsFloats(response.Outputs[0]));
        Assert.Equal([3f, 5, 7, 9], AsFloats(response.Outputs[1]));
    }

    [Fact]
    public void Run_WhenBatchIsZero_ReturnsEmptyOutputsOfTheRightShape()
    {
        using var loaded = TempModel.Load(TestModelFactory.AddAndMultiply(), name: "math");
        using var instance = loaded.Model.CreateInstance();
        using var request = Request("math", Fp32("a", [0, 4]), Fp32("b", [0, 4]));

        using var response = instance.Run(request, ["sum", "product"], "1", CancellationToken.None);

        Assert.All(response.Outputs, o => Assert.Equal(TensorShape.Of(0, 4), o.Shape));
        Assert.All(response.Outputs, o => Assert.True(o.Data.IsEmpty));
    }

    [Fact]
    public void Run_WhenTokenIsAlreadyCancelled_ThrowsOperationCanceled()
    {
        using var loaded = TempModel.Load(TestModelFactory.Add(), name: "add");
        using var instance = loaded.Model.CreateInstance();
        using var request = Request("add", Fp32("a", [1, 4], 1, 2, 3, 4), Fp32("b", [1, 4], 1, 2, 3, 4));
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => instance.Run(request, ["sum"], "1", cancelled.Token));
    }

    [Fact]
    public void Run_WhenDynamicDimensionsDisagreeInsideTheGraph_ThrowsInvalidArgumentWithTheEngineReason()
    {
        using var loaded = TempModel.Load(TestModelFactory.Add(), name: "add");
        using var instance = loaded.Model.CreateInstance();
        // Each input fits the signature [-1,4] alone, but Add cannot broadcast batch 2 with batch 3.
        using var request = Request("add", Fp32("a", [2, 4], new float[8]), Fp32("b", [3, 4], new float[12]));

        var error = Assert.Throws<MaasError>(() => instance.Run(request, ["sum"], "1", CancellationToken.None));

        // ONNX Runtime reports this as [ErrorCode:Fail]; it is the client's input, so a 400.
        Assert.Equal(MaasErrorCode.InvalidArgument, error.Code);
        Assert.StartsWith("ONNX Runtime could not run model 'add' on this input: ", error.Message);
        Assert.Contains("broadcast", error.Message);
        Assert.NotNull(error.InnerException);
    }

    [Fact]
    public void Run_FromManyThreadsAtOnce_GivesEachRequestItsOwnResult()
    {
        using var loaded = TempModel.Load(TestModelFactory.Add(), name: "add");
        using var instance = loaded.Model.CreateInstance();

        Parallel.For(0, 64, i =>
        {
            var x = (float)i;
            using var request = Request("add", Fp32("a", [1, 4], x, x, x, x), Fp32("b", [1, 4], 1, 2, 3, 4));
            using var response = instance.Run(request, ["sum"], "1", CancellationToken.None);
            Assert.Equal([x + 1, x + 2, x + 3, x + 4], AsFloats(response.Outputs[0]));
        });
    }

    [Fact]
    public void Run_SmallConvNet_ProducesTenFiniteLogitsPerImage()
    {
        using var loaded = TempModel.Load(TestModelFactory.SmallConvNet(), name: "cnn");
        using var instance = loaded.Model.CreateInstance();
        var pixels = new float[2 * 28 * 28];
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (i % 28) / 28f;
        }

        using var request = Request("cnn", Fp32("input", [2, 1, 28, 28], pixels));

        using var response = instance.Run(request, ["logits"], "1", CancellationToken.None);

        var logits = Assert.Single(response.Outputs);
        Assert.Equal(TensorShape.Of(2, 10), logits.Shape);
        var values = AsFloats(logits);
        Assert.All(values, v => Assert.True(float.IsFinite(v)));
        // Both images are the same, so both rows must be too.
        Assert.Equal(values[..10], values[10..]);
    }
}
