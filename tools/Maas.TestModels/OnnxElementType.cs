namespace Maas.TestModels;

/// <summary>
/// ONNX <c>TensorProto.DataType</c> numbers, as they appear on the wire.
/// </summary>
/// <remarks>
/// Plain <see cref="int"/> constants rather than an enum so callers can pass them straight to the
/// <c>int elemType</c> parameters here and compare them with any other project's ONNX type codes
/// without casts.
/// </remarks>
public static class OnnxElementType
{
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

    /// <summary>Brain float (8-bit exponent, 7-bit mantissa); ONNX Identity accepts it from opset 13.</summary>
    public const int BFloat16 = 16;

    /// <summary>Every type above, for tests that sweep all element types.</summary>
    public static IReadOnlyList<int> All { get; } =
        [Float, UInt8, Int8, UInt16, Int16, Int32, Int64, String, Bool, Float16, Double, UInt32, UInt64, BFloat16];
}
