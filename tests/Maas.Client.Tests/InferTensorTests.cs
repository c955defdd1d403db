using Maas.Tensors;

namespace Maas.Client.Tests;

public sealed class InferTensorTests
{
    [Fact]
    public void Create_WithAShapeThatHoldsOtherCount_ThrowsSayingBoth()
    {
        var error = Assert.Throws<ArgumentException>(() => InferTensor.Create<float>("x", [1, 2, 3], 2, 2));

        Assert.Contains("[2,2] holds 4 elements, but 3 values were given", error.Message);
    }

    [Fact]
    public void Create_WithoutAShape_IsOneDimensional_AndScalarHasNoDimensions()
    {
        Assert.Equal([3L], InferTensor.Create<int>("x", [1, 2, 3]).Shape);
        var scalar = InferTensor.Scalar("sr", 16000L);
        Assert.Empty(scalar.Shape);
        Assert.Equal(1, scalar.ElementCount);
        Assert.Equal([16000L], scalar.ToArray<long>());
    }

    [Fact]
    public void ToArray_AsAnotherType_ThrowsNamingTheRightOne()
    {
        var tensor = InferTensor.Create<float>("x", [1f]);

        var error = Assert.Throws<InvalidOperationException>(() => tensor.ToArray<double>());

        Assert.Contains("read it as float", error.Message);
    }

    [Fact]
    public void FromStrings_RoundTripsThroughTheLengthPrefixedLayout()
    {
        var tensor = InferTensor.FromStrings("s", ["", "ü", "abc"]);

        Assert.Equal(DataType.Bytes, tensor.DataType);
        Assert.Equal([3L], tensor.Shape);
        Assert.Equal(4 + 0 + 4 + 2 + 4 + 3, tensor.Data.Length);
        Assert.Equal(["", "ü", "abc"], tensor.ToStrings());
    }
}
