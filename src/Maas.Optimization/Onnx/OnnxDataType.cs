namespace Maas.Optimization.Onnx;

/// <summary>
/// ONNX tensor element types (<c>TensorProto.data_type</c>, <c>TypeProto.Tensor.elem_type</c>) as
/// the numbers the format stores, with their names and sizes.
/// </summary>
public static class OnnxDataType
{
    /// <summary>Not set.</summary>
    public const int Undefined = 0;

    /// <summary>32-bit IEEE float.</summary>
    public const int Float = 1;

    /// <summary>Unsigned 8-bit integer.</summary>
    public const int UInt8 = 2;

    /// <summary>Signed 8-bit integer.</summary>
    public const int Int8 = 3;

    /// <summary>Unsigned 16-bit integer.</summary>
    public const int UInt16 = 4;

    /// <summary>Signed 16-bit integer.</summary>
    public const int Int16 = 5;

    /// <summary>Signed 32-bit integer.</summary>
    public const int Int32 = 6;

    /// <summary>Signed 64-bit integer.</summary>
    public const int Int64 = 7;

    /// <summary>UTF-8 string.</summary>
    public const int String = 8;

    /// <summary>Boolean, one byte per element.</summary>
    public const int Bool = 9;

    /// <summary>IEEE half-precision float.</summary>
    public const int Float16 = 10;

    /// <summary>64-bit IEEE float.</summary>
    public const int Double = 11;

    /// <summary>Unsigned 32-bit integer.</summary>
    public const int UInt32 = 12;

    /// <summary>Unsigned 64-bit integer.</summary>
    public const int UInt64 = 13;

    /// <summary>Complex of two 32-bit floats.</summary>
    public const int Complex64 = 14;

    /// <summary>Complex of two 64-bit floats.</summary>
    public const int Complex128 = 15;

    /// <summary>Brain float (8-bit exponent, 7-bit mantissa).</summary>
    public const int BFloat16 = 16;

    /// <summary>Unsigned 4-bit integer, two per byte.</summary>
    public const int UInt4 = 21;

    /// <summary>Signed 4-bit integer, two per byte.</summary>
    public const int Int4 = 22;

    /// <summary>Bits per element; 0 for strings and unknown types (their size is not fixed).</summary>
    public static int BitsPerElement(int dataType) => dataType switch
    {
        Float or Int32 or UInt32 => 32,
        UInt8 or Int8 or Bool => 8,
        UInt16 or Int16 or Float16 or BFloat16 => 16,
        Int64 or UInt64 or Double or Complex64 => 64,
        Complex128 => 128,
        UInt4 or Int4 => 4,
        17 or 18 or 19 or 20 => 8, // the float8 variants
        _ => 0,
    };

    /// <summary>Bytes that <paramref name="elements"/> elements occupy (rounded up for 4-bit types).</summary>
    public static long ByteCount(int dataType, long elements) => ((elements * BitsPerElement(dataType)) + 7) / 8;

    /// <summary>True for the floating-point types (the ones FLOPs are counted for).</summary>
    public static bool IsFloat(int dataType) => dataType is Float or Float16 or BFloat16 or Double;

    /// <summary>True for the integer and boolean types.</summary>
    public static bool IsInteger(int dataType) =>
        dataType is UInt8 or Int8 or UInt16 or Int16 or Int32 or Int64 or UInt32 or UInt64 or Bool or UInt4 or Int4;

    /// <summary>The specification's name, lower case (<c>float</c>, <c>int8</c>, ...).</summary>
    public static string Name(int dataType) => dataType switch
    {
        Undefined => "undefined",
        Float => "float",
        UInt8 => "uint8",
        Int8 => "int8",
        UInt16 => "uint16",
        Int16 => "int16",
        Int32 => "int32",
        Int64 => "int64",
        String => "string",
        Bool => "bool",
        Float16 => "float16",
        Double => "double",
        UInt32 => "uint32",
        UInt64 => "uint64",
        Complex64 => "complex64",
        Complex128 => "complex128",
        BFloat16 => "bfloat16",
        17 => "float8e4m3fn",
        18 => "float8e4m3fnuz",
        19 => "float8e5m2",
        20 => "float8e5m2fnuz",
        UInt4 => "uint4",
        Int4 => "int4",
        _ => $"type{dataType}",
    };
}
