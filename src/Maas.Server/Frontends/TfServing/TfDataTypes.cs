using Maas.Tensors;

namespace Maas.Server.Frontends.TfServing;

/// <summary>TensorFlow's names for the canonical datatypes (<c>DT_FLOAT</c> for FP32, ...), as TF Serving writes them.</summary>
internal static class TfDataTypes
{
    // Indexed by (int)DataType, in the declaration order of DataType.
    private static readonly string[] Names =
    [
        "DT_INVALID", "DT_BOOL", "DT_UINT8", "DT_UINT16", "DT_UINT32", "DT_UINT64", "DT_INT8", "DT_INT16",
        "DT_INT32", "DT_INT64", "DT_HALF", "DT_BFLOAT16", "DT_FLOAT", "DT_DOUBLE", "DT_STRING",
    ];

    /// <summary>The TensorFlow name of <paramref name="type"/>, e.g. <c>DT_FLOAT</c>.</summary>
    public static string TfName(this DataType type) => Names[(int)type];

    /// <summary>True for FP16, BF16, FP32 and FP64: the types whose JSON values are decimals.</summary>
    public static bool IsFloatingPoint(this DataType type) =>
        type is DataType.Fp16 or DataType.Bf16 or DataType.Fp32 or DataType.Fp64;
}
