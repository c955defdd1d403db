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

    /// <summary>
    /// Float32 to float16: every float weight stored in half the bytes; nodes compute in float16
    /// where ONNX Runtime's CPU provider has a float16 kernel, and stay float32 between Casts where
    /// it has none. Graph inputs and outputs stay float32.
    /// </summary>
    Float16,
}
