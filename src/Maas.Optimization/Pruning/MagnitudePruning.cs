namespace Maas.Optimization.Pruning;

/// <summary>Unstructured magnitude pruning of one tensor: zero the weights closest to zero.</summary>
internal static class MagnitudePruning
{
    /// <summary>How many of <paramref name="elements"/> weights a sparsity asks for, rounded to the nearest whole weight.</summary>
    public static long Target(long elements, double sparsity) => (long)Math.Round(elements * sparsity, MidpointRounding.AwayFromZero);

    /// <summary>
    /// Zeroes the <paramref name="count"/> weights of smallest magnitude in place (weights already
    /// zero are the smallest, so they count towards it) and returns how many are zero afterwards.
    /// Exactly <paramref name="count"/> are zeroed even when many weights tie at the threshold.
    /// </summary>
    public static long ZeroSmallest(float[] weights, long count)
    {
        if (count > 0)
        {
            var magnitudes = new float[weights.Length];
            var order = new int[weights.Length];
            for (var i = 0; i < weights.Length; i++)
            {
                magnitudes[i] = Math.Abs(weights[i]);
                order[i] = i;
            }

            Array.Sort(magnitudes, order);
            for (var i = 0; i < count; i++)
            {
                weights[order[i]] = 0f;
            }
        }

        return CountZeros(weights);
    }

    /// <summary>Elements equal to zero (either sign).</summary>
    public static long CountZeros(ReadOnlySpan<float> values)
    {
        long zeros = 0;
        foreach (var value in values)
        {
            if (value == 0f)
            {
                zeros++;
            }
        }

        return zeros;
    }
}
