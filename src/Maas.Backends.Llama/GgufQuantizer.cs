using LLama;
using LLama.Native;

namespace Maas.Backends.Llama;

/// <summary>Re-encodes a GGUF file's weights with llama.cpp's quantizer (e.g. F32 → Q4_0).</summary>
public static class GgufQuantizer
{
    /// <summary>
    /// Writes <paramref name="destination"/>: <paramref name="source"/> quantized to
    /// <paramref name="type"/> (a llama.cpp file type name such as <c>q4_0</c>, <c>q8_0</c>).
    /// Throws <see cref="InvalidOperationException"/> when llama.cpp refuses.
    /// </summary>
    public static void Quantize(string source, string destination, string type, int threads = 0)
    {
        NativeApi.llama_empty_call();
        if (!LLamaQuantizer.Quantize(source, destination, type, threads))
        {
            throw new InvalidOperationException($"llama.cpp could not quantize {source} to {type}.");
        }
    }
}
