namespace Maas.Pipelines.Processors.Audio;

/// <summary>
/// Band-limited resampling between two rates by a Kaiser-windowed sinc (Julius O. Smith's
/// bandlimited interpolation): each output is a weighted sum of the inputs within 16 zero
/// crossings of the low-pass kernel, whose cutoff is 90% of the lower Nyquist frequency, so
/// downsampling removes what would alias (about 80 dB stop-band). Positions are exact rationals,
/// so long streams do not drift. Immutable and shared; the stream's position lives in a
/// <see cref="ResamplerState"/>.
/// </summary>
internal sealed class SincResampler
{
    private const int ZeroCrossings = 16;
    private const int Oversample = 512;
    private const double Rolloff = 0.9;
    private const double KaiserBeta = 8.0;

    // The kernel's right half, sampled Oversample times per zero crossing, with a zero tail so
    // linear interpolation may read one past the end.
    private static readonly float[] Kernel = BuildKernel();

    private readonly int _inRate;
    private readonly int _outRate;
    private readonly double _scale;
    private readonly double _halfWidth;

    /// <summary>Creates a resampler from <paramref name="inRate"/> to <paramref name="outRate"/> Hz.</summary>
    public SincResampler(int inRate, int outRate)
    {
        var divisor = Gcd(inRate, outRate);
        _inRate = inRate / divisor;
        _outRate = outRate / divisor;
        _scale = Math.Min(1.0, (double)outRate / inRate) * Rolloff;
        _halfWidth = ZeroCrossings / _scale;
    }

    /// <summary>
    /// Appends <paramref name="input"/> to the stream of <paramref name="state"/> and returns
    /// every output that can be computed so far; with <paramref name="flush"/> the stream ends
    /// here (later inputs count as zeros) and the outputs up to its end are all returned.
    /// </summary>
    public float[] Process(ResamplerState state, ReadOnlySpan<float> input, bool flush)
    {
        Append(state, input);
        var end = state.HistoryStart + state.HistoryCount;
        var maximum = (long)Math.Ceiling((end - state.Position + 1.0) * _outRate / _inRate) + 1;
        var output = new float[Math.Max(0, maximum)];
        var count = 0;
        var history = state.History;
        while (true)
        {
            var fraction = (double)state.Phase / _outRate;
            var t = state.Position + fraction;
            var right = (long)Math.Floor(t + _halfWidth);
            if (flush ? state.Position >= end : right >= end)
            {
                break;
            }

            var left = (long)Math.Ceiling(t - _halfWidth);
            double sum = 0;
            double weights = 0;
            for (var i = left; i <= right; i++)
            {
                var u = Math.Abs((state.Position - i) + fraction) * _scale * Oversample;
                var j = (int)u;
                var w = Kernel[j] + ((u - j) * (Kernel[j + 1] - Kernel[j]));
                weights += w;
                if (i >= 0 && i < end)
                {
                    sum += w * history[i - state.HistoryStart];
                }
            }

            output[count++] = (float)(sum / weights);
            var phase = state.Phase + _inRate;
            state.Position += phase / _outRate;
            state.Phase = phase % _outRate;
        }

        Trim(state);
        return count == output.Length ? output : output[..count];
    }

    private static void Append(ResamplerState state, ReadOnlySpan<float> input)
    {
        var needed = state.HistoryCount + input.Length;
        if (needed > state.History.Length)
        {
            var grown = new float[Math.Max(needed, state.History.Length * 2)];
            state.History.AsSpan(0, state.HistoryCount).CopyTo(grown);
            state.History = grown;
        }

        input.CopyTo(state.History.AsSpan(state.HistoryCount));
        state.HistoryCount = needed;
    }

    // Drops the inputs no later output can reach.
    private void Trim(ResamplerState state)
    {
        var keepFrom = Math.Max(0, (long)Math.Ceiling(state.Position + ((double)state.Phase / _outRate) - _halfWidth));
        var drop = (int)Math.Clamp(keepFrom - state.HistoryStart, 0, state.HistoryCount);
        if (drop > 0)
        {
            state.History.AsSpan(drop, state.HistoryCount - drop).CopyTo(state.History);
            state.HistoryCount -= drop;
            state.HistoryStart += drop;
        }
    }

    private static float[] BuildKernel()
    {
        var kernel = new float[(ZeroCrossings * Oversample) + 2];
        var norm = BesselI0(KaiserBeta);
        for (var j = 0; j <= ZeroCrossings * Oversample; j++)
        {
            var u = (double)j / Oversample;
            var sinc = j == 0 ? 1.0 : Math.Sin(Math.PI * u) / (Math.PI * u);
            var r = u / ZeroCrossings;
            kernel[j] = (float)(sinc * BesselI0(KaiserBeta * Math.Sqrt(Math.Max(0, 1 - (r * r)))) / norm);
        }

        return kernel;
    }

    // The modified Bessel function of the first kind, order 0, by its power series.
    private static double BesselI0(double x)
    {
        double sum = 1;
        double term = 1;
        for (var k = 1; k < 50; k++)
        {
            term *= x * x / (4.0 * k * k);
            sum += term;
            if (term < sum * 1e-12)
            {
                break;
            }
        }

        return sum;
    }

    private static int Gcd(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}
