using Maas.Errors;
using Maas.Pipelines.Processors.Text;
using static Maas.Pipelines.Tests.Text.TextSteps;

namespace Maas.Pipelines.Tests.Text;

public sealed class MeanPoolTests
{
    [Fact]
    public void Masked_positions_are_left_out_of_the_mean()
    {
        var step = Create(new MeanPoolFactory(), """{"normalize": false}""");
        // Row 0: positions 0 and 1 kept -> mean of [1,2] and [3,4]; position 2 ([100,100]) masked.
        var hidden = Floats("h", [1, 2, 3, 4, 100, 100, 5, 6, 7, 8, 9, 10], 2, 3, 2);
        var mask = Longs("m", [1, 1, 0, 1, 1, 1], 2, 3);
        using var context = Run(step, ("hidden", hidden), ("mask", mask));

        Assert.Equal([2, 2], ShapeOf(context, "embedding"));
        Assert.Equal([2, 3, 7, 8], FloatsOf(context, "embedding"));
    }

    [Fact]
    public void Normalize_gives_unit_length()
    {
        var step = Create(new MeanPoolFactory(), "{}");
        using var context = Run(step, ("hidden", Floats("h", [3, 4, 9, 12], 1, 2, 2)), ("mask", Longs("m", [1, 1], 1, 2)));

        // mean [6, 8], length 10.
        var embedding = FloatsOf(context, "embedding");
        Assert.Equal(0.6f, embedding[0], 6);
        Assert.Equal(0.8f, embedding[1], 6);
    }

    [Fact]
    public void A_row_with_an_all_zero_mask_gives_zeros_not_NaN()
    {
        var step = Create(new MeanPoolFactory(), "{}");
        using var context = Run(step, ("hidden", Floats("h", [3, 4, 5, 6], 2, 1, 2)), ("mask", Longs("m", [0, 1], 2, 1)));

        var embedding = FloatsOf(context, "embedding");
        Assert.Equal([0f, 0f], embedding[..2]);
        Assert.All(embedding, v => Assert.False(float.IsNaN(v)));
    }

    [Fact]
    public void A_mask_of_another_length_is_refused_with_both_shapes()
    {
        var step = Create(new MeanPoolFactory(), "{}");

        var error = Assert.Throws<MaasError>(() => Run(step, ("hidden", Floats("h", new float[12], 2, 3, 2)), ("mask", Longs("m", new long[8], 2, 4))));

        Assert.Equal(MaasErrorCode.InvalidArgument, error.Code);
        Assert.Contains("'hidden' (h) is [2,3,2] and 'mask' (m) is [2,4]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_mask_of_another_datatype_is_refused()
    {
        var step = Create(new MeanPoolFactory(), "{}");
        var mask = new Maas.Tensors.Tensor("m", Maas.Tensors.DataType.Int32, Maas.Tensors.TensorShape.Of(1, 1), new byte[4]);

        var error = Assert.Throws<MaasError>(() => Run(step, ("hidden", Floats("h", [1], 1, 1, 1)), ("mask", mask)));

        Assert.Contains("is INT32; this step needs INT64", error.Message, StringComparison.Ordinal);
    }
}
