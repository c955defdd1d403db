using System.Text;
using Maas.Tensors;

namespace Maas.Abstractions.Tests.Tensors;

public class DataTypesTests
{
    // The facts each type must have, written out by hand from the KServe v2 protocol and onnx.proto,
    // so the production tables are checked against an independent source.
    public static TheoryData<DataType, string, int, int> Facts => new()
    {
        { DataType.Bool, "BOOL", 1, 9 },
        { DataType.UInt8, "UINT8", 1, 2 },
        { DataType.UInt16, "UINT16", 2, 4 },
        { DataType.UInt32, "UINT32", 4, 12 },
        { DataType.UInt64, "UINT64", 8, 13 },
        { DataType.Int8, "INT8", 1, 3 },
        { DataType.Int16, "INT16", 2, 5 },
        { DataType.Int32, "INT32", 4, 6 },
        { DataType.Int64, "INT64", 8, 7 },
        { DataType.Fp16, "FP16", 2, 10 },
        { DataType.Bf16, "BF16", 2, 16 },
        { DataType.Fp32, "FP32", 4, 1 },
        { DataType.Fp64, "FP64", 8, 11 },
        { DataType.Bytes, "BYTES", 0, 8 },
    };

    [Theory]
    [MemberData(nameof(Facts))]
    public void WireName_IsTheProtocolName(DataType type, string wireName, int elementSize, int onnxType)
    {
        _ = elementSize;
        _ = onnxType;
        Assert.Equal(wireName, type.WireName());
    }

    [Theory]
    [MemberData(nameof(Facts))]
    public void TryParse_String_RoundTripsTheWireName(DataType type, string wireName, int elementSize, int onnxType)
    {
        _ = elementSize;
        _ = onnxType;
        Assert.True(DataTypes.TryParse(wireName, out var parsed));
        Assert.Equal(type, parsed);
        Assert.True(DataTypes.TryParse(type.WireName(), out var again));
        Assert.Equal(type, again);
    }

    [Theory]
    [MemberData(nameof(Facts))]
    public void TryParse_Utf8_RoundTripsTheWireName(DataType type, string wireName, int elementSize, int onnxType)
    {
        _ = elementSize;
        _ = onnxType;
        Assert.True(DataTypes.TryParse(Encoding.UTF8.GetBytes(wireName), out var parsed));
        Assert.Equal(type, parsed);
    }

    [Theory]
    [MemberData(nameof(Facts))]
    public void ElementSize_IsTheBytesPerElement(DataType type, string wireName, int elementSize, int onnxType)
    {
        _ = wireName;
        _ = onnxType;
        Assert.Equal(elementSize, type.ElementSize());
        Assert.Equal(type != DataType.Bytes, type.IsFixedSize());
    }

    [Theory]
    [MemberData(nameof(Facts))]
    public void OnnxElementType_MapsBothWays(DataType type, string wireName, int elementSize, int onnxType)
    {
        _ = wireName;
        _ = elementSize;
        Assert.Equal(onnxType, type.OnnxElementType());
        Assert.True(DataTypes.TryFromOnnx(onnxType, out var back));
        Assert.Equal(type, back);
    }

    [Theory]
    [InlineData(0)]   // UNDEFINED
    [InlineData(14)]  // COMPLEX64
    [InlineData(15)]  // COMPLEX128
    [InlineData(17)]  // FLOAT8E4M3FN
    [InlineData(21)]  // UINT4
    [InlineData(22)]  // INT4
    [InlineData(-1)]
    [InlineData(1000)]
    public void TryFromOnnx_WhenTheProtocolHasNoSuchType_ReturnsFalseAndInvalid(int onnxType)
    {
        Assert.False(DataTypes.TryFromOnnx(onnxType, out var type));
        Assert.Equal(DataType.Invalid, type);
    }

    [Theory]
    [InlineData("")]
    [InlineData("fp32")]
    [InlineData("Fp32")]
    [InlineData("FLOAT")]
    [InlineData("FP32 ")]
    [InlineData("INVALID")]
    [InlineData("STRING")]
    [InlineData("UINT8X")]
    [InlineData("A_VERY_LONG_TYPE_NAME")]
    public void TryParse_WhenNameIsNotAProtocolName_ReturnsFalseAndInvalid(string name)
    {
        Assert.False(DataTypes.TryParse(name, out var fromString));
        Assert.Equal(DataType.Invalid, fromString);
        Assert.False(DataTypes.TryParse(Encoding.UTF8.GetBytes(name), out var fromUtf8));
        Assert.Equal(DataType.Invalid, fromUtf8);
    }

    [Fact]
    public void All_ListsEveryValidTypeOnceAndNotInvalid()
    {
        var declared = Enum.GetValues<DataType>().Where(t => t != DataType.Invalid).ToArray();

        Assert.Equal(declared, DataTypes.All);
        Assert.DoesNotContain(DataType.Invalid, DataTypes.All);
    }

    [Fact]
    public void All_HasDistinctWireNamesAndOnnxTypes()
    {
        Assert.Equal(DataTypes.All.Count, DataTypes.All.Select(t => t.WireName()).Distinct().Count());
        Assert.Equal(DataTypes.All.Count, DataTypes.All.Select(t => t.OnnxElementType()).Distinct().Count());
    }

    [Fact]
    public void Invalid_IsNotFixedSize()
    {
        Assert.False(DataType.Invalid.IsFixedSize());
        Assert.Equal(0, DataType.Invalid.ElementSize());
    }

    [Fact]
    public void ValidNames_ListsEveryWireNameButInvalid()
    {
        Assert.Equal(
            "BOOL, UINT8, UINT16, UINT32, UINT64, INT8, INT16, INT32, INT64, FP16, BF16, FP32, FP64, BYTES",
            DataTypes.ValidNames);
    }

    [Fact]
    public void TryParse_WhenNameIsNull_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => DataTypes.TryParse((string)null!, out _));
    }
}
