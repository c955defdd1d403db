using Maas.Tensors;

namespace Maas.Abstractions.Tests.Tensors;

public class TensorShapeTests
{
    [Fact]
    public void TryGetElementCount_MultipliesTheDimensions()
    {
        Assert.True(TensorShape.Of(2, 3, 4).TryGetElementCount(out var count));
        Assert.Equal(24, count);
        Assert.Equal(24, TensorShape.Of(2, 3, 4).ElementCount);
    }

    [Fact]
    public void TryGetElementCount_WhenScalar_IsOne()
    {
        Assert.True(TensorShape.Scalar.TryGetElementCount(out var count));
        Assert.Equal(1, count);
        Assert.True(default(TensorShape).TryGetElementCount(out var fromDefault));
        Assert.Equal(1, fromDefault);
    }

    [Fact]
    public void TryGetElementCount_WhenADimensionIsZero_IsZero()
    {
        Assert.True(TensorShape.Of(4, 0, 3).TryGetElementCount(out var count));
        Assert.Equal(0, count);
    }

    [Fact]
    public void TryGetElementCount_WhenZeroPrecedesHugeDimensions_IsZeroWithoutOverflow()
    {
        Assert.True(TensorShape.Of(0, long.MaxValue, long.MaxValue).TryGetElementCount(out var count));
        Assert.Equal(0, count);
    }

    [Fact]
    public void TryGetElementCount_WhenProductIsLongMaxValue_Succeeds()
    {
        Assert.True(TensorShape.Of(1, long.MaxValue).TryGetElementCount(out var count));
        Assert.Equal(long.MaxValue, count);
    }

    [Theory]
    [InlineData(new long[] { long.MaxValue, 2 })]
    [InlineData(new long[] { 1L << 32, 1L << 32 })]
    [InlineData(new long[] { 1L << 31, 1L << 31, 4 })]
    [InlineData(new long[] { 3037000500, 3037000500 })] // just past sqrt(long.MaxValue)
    public void TryGetElementCount_WhenProductOverflows_ReturnsFalse(long[] dims)
    {
        var shape = new TensorShape(dims);

        Assert.False(shape.TryGetElementCount(out var count));
        Assert.Equal(0, count);
        Assert.Throws<InvalidOperationException>(() => shape.ElementCount);
    }

    [Theory]
    [InlineData(new long[] { -1, 3 })]
    [InlineData(new long[] { 2, -1 })]
    [InlineData(new long[] { 2, -7 })]
    public void TryGetElementCount_WhenADimensionIsDynamicOrNegative_ReturnsFalse(long[] dims)
    {
        var shape = new TensorShape(dims);

        Assert.False(shape.TryGetElementCount(out _));
        var error = Assert.Throws<InvalidOperationException>(() => shape.ElementCount);
        Assert.Contains(shape.ToString(), error.Message);
    }

    [Fact]
    public void HasDynamicDimensions_IsTrueOnlyWhenADimensionIsMinusOne()
    {
        Assert.True(TensorShape.Of(-1, 3).HasDynamicDimensions);
        Assert.True(TensorShape.Of(3, TensorShape.Dynamic).HasDynamicDimensions);
        Assert.False(TensorShape.Of(1, 3).HasDynamicDimensions);
        Assert.False(TensorShape.Scalar.HasDynamicDimensions);
    }

    [Fact]
    public void RankAndIndexer_DescribeTheDimensions()
    {
        var shape = TensorShape.Of(-1, 3, 224);

        Assert.Equal(3, shape.Rank);
        Assert.Equal(-1, shape[0]);
        Assert.Equal(3, shape[1]);
        Assert.Equal(224, shape[2]);
        Assert.Equal(0, TensorShape.Scalar.Rank);
        Assert.Equal(0, default(TensorShape).Rank);
    }

    [Fact]
    public void Equality_ComparesDimensions()
    {
        var a = TensorShape.Of(1, 2, 3);
        var b = new TensorShape([1, 2, 3]);

        Assert.True(a == b);
        Assert.False(a != b);
        Assert.True(a.Equals((object)b));
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, TensorShape.Of(3, 2, 1));
        Assert.NotEqual(a, TensorShape.Of(1, 2));
        Assert.True(a != TensorShape.Of(1, 2, 3, 1));
        Assert.False(a.Equals("[1,2,3]"));
    }

    [Fact]
    public void Equality_DefaultEqualsScalar()
    {
        Assert.Equal(TensorShape.Scalar, default);
        Assert.Equal(TensorShape.Scalar.GetHashCode(), default(TensorShape).GetHashCode());
    }

    [Theory]
    [InlineData(new long[] { -1, 3, 224, 224 }, "[-1,3,224,224]")]
    [InlineData(new long[] { 5 }, "[5]")]
    [InlineData(new long[] { }, "[]")]
    [InlineData(new long[] { long.MaxValue, 0 }, "[9223372036854775807,0]")]
    public void ToString_IsTheProtocolForm(long[] dims, string expected)
    {
        Assert.Equal(expected, new TensorShape(dims).ToString());
    }

    [Fact]
    public void Of_CopiesTheDimensions()
    {
        long[] dims = [2, 3];
        var shape = TensorShape.Of(dims);

        dims[0] = 99;

        Assert.Equal(TensorShape.Of(2, 3), shape);
    }

    [Fact]
    public void ToArray_ReturnsACopy()
    {
        var shape = TensorShape.Of(2, 3);
        var array = shape.ToArray();

        array[0] = 99;

        Assert.Equal(new long[] { 2, 3 }, shape.ToArray());
    }

    [Fact]
    public void Constructor_WhenDimsIsNull_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => new TensorShape(null!));
    }
}
