namespace Maas.Tensors;

/// <summary>Facts about each <see cref="DataType"/>: protocol name, element size, ONNX element type.</summary>
public static class DataTypes
{
    // Indexed by (int)DataType. Wire names are exactly those of the KServe v2 protocol.
    private static readonly string[] WireNames =
    [
        "INVALID", "BOOL", "UINT8", "UINT16", "UINT32", "UINT64", "INT8", "INT16", "INT32", "INT64",
        "FP16", "BF16", "FP32", "FP64", "BYTES",
    ];

    private static readonly int[] Sizes = [0, 1, 1, 2, 4, 8, 1, 2, 4, 8, 2, 2, 4, 8, 0];

    // ONNX TensorProto.DataType numbers (onnx.proto): FLOAT=1, UINT8=2, INT8=3, UINT16=4, INT16=5,
    // INT32=6, INT64=7, STRING=8, BOOL=9, FLOAT16=10, DOUBLE=11, UINT32=12, UINT64=13, BFLOAT16=16.
    private static readonly int[] OnnxTypes = [0, 9, 2, 4, 12, 13, 3, 5, 6, 7, 10, 16, 1, 11, 8];

    /// <summary>All valid types, in declaration order.</summary>
    public static IReadOnlyList<DataType> All { get; } =
    [
        DataType.Bool, DataType.UInt8, DataType.UInt16, DataType.UInt32, DataType.UInt64,
        DataType.Int8, DataType.Int16, DataType.Int32, DataType.Int64,
        DataType.Fp16, DataType.Bf16, DataType.Fp32, DataType.Fp64, DataType.Bytes,
    ];

    /// <summary>The protocol name, e.g. <c>FP32</c>.</summary>
    public static string WireName(this DataType type) => WireNames[(int)type];

    /// <summary>Bytes per element; 0 for <see cref="DataType.Bytes"/>, whose elements vary in length.</summary>
    public static int ElementSize(this DataType type) => Sizes[(int)type];

    /// <summary>True for every type but <see cref="DataType.Bytes"/>.</summary>
    public static bool IsFixedSize(this DataType type) => type != DataType.Bytes && type != DataType.Invalid;

    /// <summary>The ONNX <c>TensorProto.DataType</c> number of this type.</summary>
    public static int OnnxElementType(this DataType type) => OnnxTypes[(int)type];

    /// <summary>Maps an ONNX element type number to a protocol type; false for ONNX types the protocol lacks.</summary>
    public static bool TryFromOnnx(int onnxElementType, out DataType type)
    {
        for (var i = 1; i < OnnxTypes.Length; i++)
        {
            if (OnnxTypes[i] == onnxElementType)
            {
                type = (DataType)i;
                return true;
            }
        }

        type = DataType.Invalid;
        return false;
    }

    /// <summary>Parses a protocol name (case-sensitive, as the protocol spells them). UTF-8 input, no allocation.</summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8Name, out DataType type)
    {
        // Names are ASCII and short; compare against each candidate's UTF-8 form.
        Span<byte> buffer = stackalloc byte[8];
        for (var i = 1; i < WireNames.Length; i++)
        {
            var name = WireNames[i];
            if (name.Length != utf8Name.Length)
            {
                continue;
            }

            for (var j = 0; j < name.Length; j++)
            {
                buffer[j] = (byte)name[j];
            }

            if (utf8Name.SequenceEqual(buffer[..name.Length]))
            {
                type = (DataType)i;
                return true;
            }
        }

        type = DataType.Invalid;
        return false;
    }

    /// <summary>Parses a protocol name such as <c>FP32</c>.</summary>
    public static bool TryParse(string name, out DataType type)
    {
        ArgumentNullException.ThrowIfNull(name);
        for (var i = 1; i < WireNames.Length; i++)
        {
            if (string.Equals(WireNames[i], name, StringComparison.Ordinal))
            {
                type = (DataType)i;
                return true;
            }
        }

        type = DataType.Invalid;
        return false;
    }

    /// <summary>The list of valid names, for error messages ("expected one of ...").</summary>
    public static string ValidNames { get; } = string.Join(", ", WireNames, 1, WireNames.Length - 1);
}
