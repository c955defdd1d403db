namespace Maas.Pipelines.Processors.Image;

/// <summary>
/// Bilinear resampling of a region of an RGB image straight into normalized floats, with the
/// pixel-centre convention of OpenCV's <c>INTER_LINEAR</c> (what PaddleOCR's preprocessing uses).
/// </summary>
internal static class ImageSampler
{
    /// <summary>Where one output pixel's channels go: index = c * Channel + y * Row + x * Pixel.</summary>
    public readonly record struct Strides(int Channel, int Row, int Pixel)
    {
        /// <summary>Planar [3, height, width] output.</summary>
        public static Strides Planar(int height, int width) => new(height * width, width, 1);

        /// <summary>Interleaved [height, width, 3] output.</summary>
        public static Strides Interleaved(int width) => new(1, width * 3, 3);
    }

    /// <summary>
    /// Resizes the region (<paramref name="regionX"/>, <paramref name="regionY"/>, <paramref name="regionWidth"/> ×
    /// <paramref name="regionHeight"/>) of <paramref name="image"/> (row-major RGB, <paramref name="imageWidth"/>
    /// pixels wide) to <paramref name="outWidth"/> × <paramref name="outHeight"/>, normalizes it and writes it to
    /// <paramref name="output"/> with <paramref name="strides"/>. With <paramref name="rotate180"/> the region is
    /// turned upside down first.
    /// </summary>
    public static void Sample(
        ReadOnlySpan<byte> image, int imageWidth,
        int regionX, int regionY, int regionWidth, int regionHeight,
        Span<float> output, Strides strides, int outWidth, int outHeight,
        PixelNormalization normalization, bool rotate180 = false)
    {
        var x0 = new int[outWidth];
        var x1 = new int[outWidth];
        var ax = new float[outWidth];
        Axis(regionWidth, outWidth, x0, x1, ax);
        var y0 = new int[outHeight];
        var y1 = new int[outHeight];
        var ay = new float[outHeight];
        Axis(regionHeight, outHeight, y0, y1, ay);

        var source = new int[3];
        for (var c = 0; c < 3; c++)
        {
            source[c] = normalization.SourceChannel(c);
        }

        var rowStride = imageWidth * 3;
        for (var y = 0; y < outHeight; y++)
        {
            var sy = rotate180 ? outHeight - 1 - y : y;
            var top = (regionY + y0[sy]) * rowStride;
            var bottom = (regionY + y1[sy]) * rowStride;
            var wy = ay[sy];
            for (var x = 0; x < outWidth; x++)
            {
                var sx = rotate180 ? outWidth - 1 - x : x;
                var left = (regionX + x0[sx]) * 3;
                var right = (regionX + x1[sx]) * 3;
                var wx = ax[sx];
                var at = (y * strides.Row) + (x * strides.Pixel);
                for (var c = 0; c < 3; c++)
                {
                    var s = source[c];
                    var t = image[top + left + s] + (wx * (image[top + right + s] - image[top + left + s]));
                    var b = image[bottom + left + s] + (wx * (image[bottom + right + s] - image[bottom + left + s]));
                    output[at + (c * strides.Channel)] = normalization.Apply(t + (wy * (b - t)), c);
                }
            }
        }
    }

    // For each output index: the two source indices and the weight of the second (OpenCV's
    // half-pixel centres, clamped at the edges).
    private static void Axis(int sourceLength, int outLength, int[] first, int[] second, float[] weight)
    {
        var ratio = (double)sourceLength / outLength;
        for (var i = 0; i < outLength; i++)
        {
            var f = ((i + 0.5) * ratio) - 0.5;
            if (f < 0)
            {
                f = 0;
            }

            var i0 = (int)f;
            if (i0 >= sourceLength - 1)
            {
                first[i] = second[i] = sourceLength - 1;
                weight[i] = 0;
                continue;
            }

            first[i] = i0;
            second[i] = i0 + 1;
            weight[i] = (float)(f - i0);
        }
    }
}
