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

    /// <summary>
    /// Samples the quadrilateral <paramref name="quad"/> (top-left, top-right, bottom-right,
    /// bottom-left, in image pixels) of <paramref name="image"/> into <paramref name="outWidth"/> ×
    /// <paramref name="outHeight"/>: each output pixel centre maps bilinearly into the quad (exact for
    /// the rotated rectangles text_boxes gives) and reads the image bilinearly there, clamped at its
    /// edges. With <paramref name="rotate180"/> the crop is turned upside down.
    /// </summary>
    public static void SampleQuad(
        ReadOnlySpan<byte> image, int imageWidth, int imageHeight, System.Numerics.Vector2[] quad,
        Span<float> output, Strides strides, int outWidth, int outHeight,
        PixelNormalization normalization, bool rotate180 = false)
    {
        var (topLeft, topRight, bottomRight, bottomLeft) = rotate180
            ? (quad[2], quad[3], quad[0], quad[1])
            : (quad[0], quad[1], quad[2], quad[3]);
        var rowStride = imageWidth * 3;
        for (var y = 0; y < outHeight; y++)
        {
            var t = (y + 0.5f) / outHeight;
            var left = topLeft + ((bottomLeft - topLeft) * t);
            var right = topRight + ((bottomRight - topRight) * t);
            for (var x = 0; x < outWidth; x++)
            {
                // Pixel centres sit at +0.5: the continuous point less 0.5 is the sample position.
                var p = left + ((right - left) * ((x + 0.5f) / outWidth));
                var fx = Math.Clamp(p.X - 0.5f, 0, imageWidth - 1);
                var fy = Math.Clamp(p.Y - 0.5f, 0, imageHeight - 1);
                var x0 = (int)fx;
                var y0 = (int)fy;
                var x1 = Math.Min(x0 + 1, imageWidth - 1);
                var y1 = Math.Min(y0 + 1, imageHeight - 1);
                var wx = fx - x0;
                var wy = fy - y0;
                var top = y0 * rowStride;
                var bottom = y1 * rowStride;
                var at = (y * strides.Row) + (x * strides.Pixel);
                for (var c = 0; c < 3; c++)
                {
                    var s = normalization.SourceChannel(c);
                    var a = image[top + (x0 * 3) + s] + (wx * (image[top + (x1 * 3) + s] - image[top + (x0 * 3) + s]));
                    var b = image[bottom + (x0 * 3) + s] + (wx * (image[bottom + (x1 * 3) + s] - image[bottom + (x0 * 3) + s]));
                    output[at + (c * strides.Channel)] = normalization.Apply(a + (wy * (b - a)), c);
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
