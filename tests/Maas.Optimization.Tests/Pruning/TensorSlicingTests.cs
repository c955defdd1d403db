using Maas.Optimization.Pruning;

namespace Maas.Optimization.Tests.Pruning;

public class TensorSlicingTests
{
    // A [2, 3, 2] tensor holding 0..11.
    private static readonly float[] Values = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
    private static readonly long[] Dims = [2, 3, 2];

    [Fact]
    public void Keep_MiddleAxis_KeepsThosePositionsInEveryOuterBlock()
    {
        var (values, dims) = TensorSlicing.Keep(Values, Dims, 1, [0, 2]);

        Assert.Equal([2, 2, 2], dims);
        Assert.Equal([0, 1, 4, 5, 6, 7, 10, 11], values);
    }

    [Fact]
    public void Norms_L1AndL2_AreTakenOverAllOtherAxes()
    {
        var l1 = TensorSlicing.Norms(Values, Dims, 0, ChannelNorm.L1);
        var l2 = TensorSlicing.Norms(Values, Dims, 0, ChannelNorm.L2);

        Assert.Equal([15, 51], l1);
        Assert.Equal(Math.Sqrt(55), l2[0], 9);
    }

    [Fact]
    public void Strongest_DropsTheSmallestNormsAndReturnsTheRestInOrder()
    {
        var keep = TensorSlicing.Strongest([3.0, 0.5, 2.0, 0.1], remove: 2);

        Assert.Equal([0, 2], keep);
    }

    [Fact]
    public void ZeroSmallest_WithTies_ZeroesExactlyTheCountAsked()
    {
        float[] weights = [1, 1, 1, 1, -2, 3];

        var zeros = MagnitudePruning.ZeroSmallest(weights, 3);

        Assert.Equal(3, zeros);
        Assert.Equal(-2, weights[4]);
        Assert.Equal(3, weights[5]);
    }
}
