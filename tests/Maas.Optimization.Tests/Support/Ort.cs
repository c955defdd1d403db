using Microsoft.ML.OnnxRuntime;

namespace Maas.Optimization.Tests.Support;

/// <summary>Runs models in ONNX Runtime for tests: one thread, outputs as float arrays.</summary>
internal static class Ort
{
    public static float[] RunFloat(string modelPath, string input, float[] values, long[] shape, string output)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(modelPath, options);
        using var value = OrtValue.CreateTensorValueFromMemory(values, shape);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [input], [value], [output]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    /// <summary>
    /// The all-MiniLM-L6-v2 sentence embedding of "This is an example sentence": last_hidden_state
    /// mean-pooled over the tokens, then L2-normalised.
    /// </summary>
    public static float[] MiniLmEmbedding(string modelPath)
    {
        long[] ids = [101, 2023, 2003, 2019, 2742, 6251, 102];
        var mask = new long[ids.Length];
        Array.Fill(mask, 1L);
        var types = new long[ids.Length];
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(modelPath, options);
        using var a = OrtValue.CreateTensorValueFromMemory(ids, [1, ids.Length]);
        using var b = OrtValue.CreateTensorValueFromMemory(mask, [1, ids.Length]);
        using var c = OrtValue.CreateTensorValueFromMemory(types, [1, ids.Length]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, ["input_ids", "attention_mask", "token_type_ids"], [a, b, c], ["last_hidden_state"]);
        var hidden = outputs[0].GetTensorDataAsSpan<float>();
        const int Width = 384;
        var embedding = new float[Width];
        for (var t = 0; t < ids.Length; t++)
        {
            for (var i = 0; i < Width; i++)
            {
                embedding[i] += hidden[(t * Width) + i] / ids.Length;
            }
        }

        var norm = MathF.Sqrt(embedding.Sum(v => v * v));
        return Array.ConvertAll(embedding, v => v / norm);
    }

    public static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * (double)b[i];
            na += a[i] * (double)a[i];
            nb += b[i] * (double)b[i];
        }

        return dot / Math.Sqrt(na * nb);
    }
}
