namespace Maas.Optimization.Quantization;

/// <summary>How <see cref="ModelQuantizer"/> shrinks a model.</summary>
public enum QuantizationMode
{
    /// <summary>
    /// MatMul/Gemm weights to int8, activations quantized per run (DynamicQuantizeLinear +
    /// MatMulInteger); embedding tables (Gather) to int8 with DequantizeLinear after the lookup.
    /// </summary>
    DynamicInt8,

    /// <summary>
    /// MatMul/Gemm weights to 4 bits with one float scale per block along K (com.microsoft
    /// MatMulNBits); activations stay float. Embedding tables to int8 as in <see cref="DynamicInt8"/>.
    /// </summary>
    WeightInt4,
}
