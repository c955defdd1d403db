namespace Maas.Benchmarks.Micro;

/// <summary>The tensor sizes the micro-benchmarks cover.</summary>
public enum PayloadKind
{
    /// <summary>Requests: one [1,64] FP32 input (256 B). Responses: one [1,64] FP32 output.</summary>
    Fp32_1x64,

    /// <summary>Requests: MiniLM's three INT64 [1,16] inputs. Responses: MiniLM's outputs, FP32 [1,16,384] + [1,384] (26 KB).</summary>
    MiniLm16,

    /// <summary>Requests and responses: one [1,3,224,224] FP32 tensor (602 KB).</summary>
    Image224,
}
