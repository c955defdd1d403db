namespace Maas.Optimization.Comparison;

/// <summary>Error measures between two versions of one output.</summary>
internal static class OutputMetrics
{
    public static OutputComparison Compute(string name, ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, ReadOnlySpan<long> shape)
    {
        double maxError = 0, dot = 0, normA = 0, normB = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            maxError = Math.Max(maxError, Math.Abs(expected[i] - actual[i]));
            dot += expected[i] * actual[i];
            normA += expected[i] * expected[i];
            normB += actual[i] * actual[i];
        }

        var cosine = normA == 0 && normB == 0 ? 1.0 : dot / Math.Sqrt(normA * normB);
        double? top1 = null;
        if (shape.Length == 2 && shape[^1] >= 2 && expected.Length > 0)
        {
            var classes = (int)shape[^1];
            var rows = expected.Length / classes;
            var agree = 0;
            for (var r = 0; r < rows; r++)
            {
                if (ArgMax(expected.Slice(r * classes, classes)) == ArgMax(actual.Slice(r * classes, classes)))
                {
                    agree++;
                }
            }

            top1 = (double)agree / rows;
        }

        return new OutputComparison(name, expected.Length, maxError, cosine, top1);
    }

    private static int ArgMax(ReadOnlySpan<double> values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }
}
