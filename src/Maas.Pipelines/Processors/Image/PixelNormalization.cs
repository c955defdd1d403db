namespace Maas.Pipelines.Processors.Image;

/// <summary>
/// How 8-bit RGB pixels become model input floats: <c>(value * scale - mean[c]) / std[c]</c>,
/// where <c>c</c> is the output channel after <see cref="Bgr"/> reordering. Read from the step's
/// <c>mean</c>, <c>std</c>, <c>scale</c> and <c>channel_order</c> options.
/// </summary>
internal sealed class PixelNormalization
{
    private readonly float[] _multiplier = new float[3];
    private readonly float[] _offset = new float[3];

    private PixelNormalization(float[] mean, float[] std, float scale, bool bgr)
    {
        for (var c = 0; c < 3; c++)
        {
            _multiplier[c] = scale / std[c];
            _offset[c] = -mean[c] / std[c];
        }

        Bgr = bgr;
    }

    /// <summary>True when output channel 0 is blue (OpenCV order, which PaddleOCR trains on).</summary>
    public bool Bgr { get; }

    /// <summary>The source channel (0 = R, 1 = G, 2 = B) that output channel <paramref name="c"/> reads.</summary>
    public int SourceChannel(int c) => Bgr ? 2 - c : c;

    /// <summary>Normalizes one 8-bit value for output channel <paramref name="c"/>.</summary>
    public float Apply(float value, int c) => (value * _multiplier[c]) + _offset[c];

    /// <summary>Reads the options, recording errors (a zero std, a bad channel order) in <paramref name="options"/>.</summary>
    public static PixelNormalization Read(ProcessorOptions options, float[] defaultMean, float[] defaultStd, string defaultChannelOrder)
    {
        var mean = options.GetFloats("mean", defaultMean, 3);
        var std = options.GetFloats("std", defaultStd, 3);
        var scale = (float)options.GetDouble("scale", 1.0 / 255.0, -1e6, 1e6);
        var order = options.GetChoice("channel_order", defaultChannelOrder, "RGB", "BGR");
        foreach (var s in std)
        {
            if (s == 0f)
            {
                options.AddError("'std' must not contain 0 (each channel is divided by it)");
                std = defaultStd;
                break;
            }
        }

        return new PixelNormalization(mean, std, scale, order == "BGR");
    }
}
