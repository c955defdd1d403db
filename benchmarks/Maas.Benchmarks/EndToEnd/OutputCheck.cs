using System.Runtime.InteropServices;
using System.Text.Json;

namespace Maas.Benchmarks.EndToEnd;

/// <summary>
/// Checks that the server answers what the engine computes in-process, before anything is timed:
/// a benchmark of a wrong answer (or an error path) measures nothing.
/// </summary>
internal static class OutputCheck
{
    private const float Tolerance = 1e-4f;

    /// <summary>Throws unless the response's FP32 outputs match <paramref name="expected"/> (same order).</summary>
    public static float Verify(HttpTarget target, IReadOnlyList<float[]> expected)
    {
        var (status, headerLength, body) = target.Fetch();
        if (status != 200)
        {
            throw new InvalidOperationException($"{target.Name}: the server answered {status}: {System.Text.Encoding.UTF8.GetString(body)}");
        }

        var jsonLength = headerLength ?? body.Length;
        using var document = JsonDocument.Parse(body.AsMemory(0, jsonLength));
        var outputs = document.RootElement.GetProperty("outputs");
        if (outputs.GetArrayLength() != expected.Count)
        {
            throw new InvalidOperationException($"{target.Name}: {outputs.GetArrayLength()} outputs, expected {expected.Count}.");
        }

        var offset = jsonLength;
        var worst = 0f;
        var i = 0;
        foreach (var output in outputs.EnumerateArray())
        {
            float[] actual;
            if (output.TryGetProperty("parameters", out var parameters) && parameters.TryGetProperty("binary_data_size", out var size))
            {
                var length = size.GetInt32();
                actual = MemoryMarshal.Cast<byte, float>(body.AsSpan(offset, length)).ToArray();
                offset += length;
            }
            else
            {
                var data = output.GetProperty("data");
                actual = new float[data.GetArrayLength()];
                var j = 0;
                foreach (var element in data.EnumerateArray())
                {
                    actual[j++] = element.GetSingle();
                }
            }

            worst = Math.Max(worst, Compare(target.Name, output.GetProperty("name").GetString(), expected[i++], actual));
        }

        return worst;
    }

    internal static float Compare(string target, string? name, float[] expected, float[] actual)
    {
        if (expected.Length != actual.Length)
        {
            throw new InvalidOperationException($"{target}: output '{name}' has {actual.Length} elements, in-process has {expected.Length}.");
        }

        var worst = 0f;
        for (var k = 0; k < expected.Length; k++)
        {
            var diff = Math.Abs(expected[k] - actual[k]);
            if (diff > Tolerance * Math.Max(1f, Math.Abs(expected[k])))
            {
                throw new InvalidOperationException($"{target}: output '{name}'[{k}] is {actual[k]}, in-process gives {expected[k]}.");
            }

            worst = Math.Max(worst, diff);
        }

        return worst;
    }
}
