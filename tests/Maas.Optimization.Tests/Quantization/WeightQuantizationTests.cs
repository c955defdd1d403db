using Maas.Optimization.Quantization;

namespace Maas.Optimization.Tests.Quantization;

public class WeightQuantizationTests
{
    [Fact]
    public void Symmetric_PerColumn_StaysWithinSevenBitsAndHalfAStep()
    {
        // [3 rows, 2 columns]; column 0 spans ±6.3, column 1 ±0.063.
        float[] weights = [6.3f, 0.01f, -3.0f, -0.063f, 1.0f, 0.03f];

        var (values, scales) = WeightQuantization.Symmetric(weights, 3, 2, WeightQuantization.MatMulIntegerMaxWeight, perColumn: true);

        Assert.Equal(new[] { 0.1f, 0.001f }, scales, (a, b) => Math.Abs(a - b) < 1e-7f);
        Assert.Equal(new sbyte[] { 63, 10, -30, -63, 10, 30 }, values);
        for (var i = 0; i < weights.Length; i++)
        {
            Assert.True(Math.Abs((values[i] * scales[i % 2]) - weights[i]) <= (scales[i % 2] / 2) + 1e-6f);
        }
    }

    [Fact]
    public void Symmetric_PerTensor_UsesOneScaleAndZeroForAnEmptyRange()
    {
        var (values, scales) = WeightQuantization.Symmetric([0f, 0f, 0f, 0f], 2, 2, 127, perColumn: false);

        Assert.Equal(new[] { 1f }, scales);
        Assert.All(values, v => Assert.Equal(0, v));
    }

    [Fact]
    public void Blockwise4Bit_PacksLowNibbleFirstWithZeroPointEight()
    {
        // K = 20 (one block of 16 plus a padded block), N = 1; weights k − 7 for k < 16 → q = k − 7 + 8 with scale 1.
        const int K = 20;
        var weights = new float[K];
        for (var k = 0; k < K; k++)
        {
            weights[k] = k < 16 ? k - 7 : 7f * 0.5f;
        }

        var (packed, scales) = WeightQuantization.Blockwise4Bit(weights, K, 1, blockSize: 16);

        Assert.Equal(2, scales.Length);
        Assert.Equal(8f / 7f, scales[0], 5); // max |w| = 8 in block 0
        Assert.Equal(0.5f, scales[1], 5);
        Assert.Equal(2 * 8, packed.Length); // 2 blocks × 8 bytes
        // Block 1: four values of 3.5 → q = 7 → 15, then padding 0 → 8.
        Assert.Equal(0xFF, packed[8]);
        Assert.Equal(0xFF, packed[9]);
        Assert.Equal(0x88, packed[10]);
        // Dequantized block 0 is within half a step of the weights.
        for (var k = 0; k < 16; k++)
        {
            var b = packed[k / 2];
            var q = (k % 2 == 0 ? b & 0xF : b >> 4) - 8;
            Assert.True(Math.Abs((q * scales[0]) - weights[k]) <= (scales[0] / 2) + 1e-5f, $"k={k}");
        }
    }
}
