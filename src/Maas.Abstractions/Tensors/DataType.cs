namespace Maas.Tensors;

/// <summary>
/// The tensor element types of the KServe v2 / Open Inference Protocol. Every protocol frontend
/// and every backend converts to and from these; see <see cref="DataTypes"/> for wire names,
/// element sizes and ONNX element types.
/// </summary>
public enum DataType : byte
{
    /// <summary>Not a valid type; the default value, so an unset field is caught.</summary>
    Invalid = 0,
    /// <summary>BOOL: one byte per element, 0 or 1.</summary>
    Bool,
    /// <summary>UINT8.</summary>
    UInt8,
    /// <summary>UINT16.</summary>
    UInt16,
    /// <summary>UINT32.</summary>
    UInt32,
    /// <summary>UINT64.</summary>
    UInt64,
    /// <summary>INT8.</summary>
    Int8,
    /// <summary>INT16.</summary>
    Int16,
    /// <summary>INT32.</summary>
    Int32,
    /// <summary>INT64.</summary>
    Int64,
    /// <summary>FP16: IEEE 754 half precision.</summary>
    Fp16,
    /// <summary>BF16: bfloat16, the upper half of an FP32.</summary>
    Bf16,
    /// <summary>FP32.</summary>
    Fp32,
    /// <summary>FP64.</summary>
    Fp64,
    /// <summary>BYTES: variable-length byte strings, stored as 4-byte little-endian length + bytes per element.</summary>
    Bytes,
}
