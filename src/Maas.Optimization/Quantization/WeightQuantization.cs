namespace Maas.Optimization.Quantization;

/// <summary>The arithmetic of weight quantization: symmetric int8 by column, and 4-bit blocks.</summary>
internal static class WeightQuantization
{
    /// <summary>
    /// The largest int8 weight magnitude fed to MatMulInteger. On AVX2 CPUs without VNNI, ONNX
    /// Runtime multiplies uint8 activations by int8 weights with an instruction that adds pairs of
    /// products into a saturating int16: 2 × 255 × 127 overflows, 2 × 255 × 63 does not
    /// (GOTCHAS.md). Seven bits keep the result exact on every CPU, at a small cost in precision.
    /// </summary>
    public const int MatMulIntegerMaxWeight = 63;

    /// <summary>The largest magnitude for int8 tables that are dequantized, never multiplied (Gather).</summary>
    public const int FullRangeMaxWeight = 127;

    /// <summary>
    /// Quantizes a row-major [rows, columns] matrix symmetrically: q = round(w / scale) within
    /// ±<paramref name="maxQ"/>, with one scale per column or one for the whole matrix.
    /// </summary>
    public static (sbyte[] Values, float[] Scales) Symmetric(ReadOnlySpan<float> weights, int rows, int columns, int maxQ, bool perColumn)
    {
        var scales = new float[perColumn ? columns : 1];
        for (var r = 0; r < rows; r++)
        {
            var row = weights.Slice(r * columns, columns);
            for (var c = 0; c < columns; c++)
            {
                var s = perColumn ? c : 0;
                scales[s] = Math.Max(scales[s], Math.Abs(row[c]));
            }
        }

        for (var s = 0; s < scales.Length; s++)
        {
            scales[s] = scales[s] > 0 ? scales[s] / maxQ : 1f;
        }

        var values = new sbyte[rows * columns];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                var scale = scales[perColumn ? c : 0];
                var q = MathF.Round(weights[(r * columns) + c] / scale, MidpointRounding.ToEven);
                values[(r * columns) + c] = (sbyte)Math.Clamp(q, -maxQ, maxQ);
            }
        }

        return (values, scales);
    }

    /// <summary>
    /// Quantizes a row-major [k, n] matrix to 4 bits in the MatMulNBits layout: for each column n
    /// and each block of <paramref name="blockSize"/> rows, one float scale and blockSize/2 bytes,
    /// two values per byte (low nibble first), stored as q + 8 with q in [-8, 7] (zero point 8).
    /// </summary>
    /// <returns>The packed bytes [n, blocks, blockSize / 2] and the scales [n, blocks].</returns>
    public static (byte[] Packed, float[] Scales) Blockwise4Bit(ReadOnlySpan<float> weights, int k, int n, int blockSize)
    {
        var blocks = (k + blockSize - 1) / blockSize;
        var blobBytes = blockSize / 2;
        var packed = new byte[n * blocks * blobBytes];
        var scales = new float[n * blocks];
        Span<int> q = stackalloc int[blockSize];
        for (var column = 0; column < n; column++)
        {
            for (var block = 0; block < blocks; block++)
            {
                var start = block * blockSize;
                var end = Math.Min(k, start + blockSize);
                var max = 0f;
                for (var row = start; row < end; row++)
                {
                    max = Math.Max(max, Math.Abs(weights[(row * n) + column]));
                }

                var scale = max > 0 ? max / 7f : 1f;
                scales[(column * blocks) + block] = scale;
                for (var i = 0; i < blockSize; i++)
                {
                    var row = start + i;
                    var value = row < end ? MathF.Round(weights[(row * n) + column] / scale, MidpointRounding.ToEven) : 0f;
                    q[i] = (int)Math.Clamp(value, -8f, 7f) + 8;
                }

                var offset = ((column * blocks) + block) * blobBytes;
                for (var j = 0; j < blobBytes; j++)
                {
                    packed[offset + j] = (byte)(q[2 * j] | (q[(2 * j) + 1] << 4));
                }
            }
        }

        return (packed, scales);
    }

    /// <summary>The zero point of uint8 weights that hold symmetric int8 values shifted by 128.</summary>
    public const byte UnsignedZeroPoint = 128;

    /// <summary>Shifts symmetric int8 values to uint8 with zero point <see cref="UnsignedZeroPoint"/>.</summary>
    public static byte[] ToUnsigned(ReadOnlySpan<sbyte> values)
    {
        var result = new byte[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            result[i] = (byte)(values[i] + UnsignedZeroPoint);
        }

        return result;
    }

    /// <summary>Transposes a row-major [rows, columns] matrix.</summary>
    public static float[] Transpose(ReadOnlySpan<float> matrix, int rows, int columns)
    {
        var result = new float[matrix.Length];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                result[(c * rows) + r] = matrix[(r * columns) + c];
            }
        }

        return result;
    }
}
