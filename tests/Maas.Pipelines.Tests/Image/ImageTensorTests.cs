using Maas.Errors;
using Maas.Pipelines.Processors.Image;
using Maas.Tensors;
using static Maas.Pipelines.Tests.Image.ImageTestKit;

namespace Maas.Pipelines.Tests.Image;

public sealed class ImageTensorTests
{
    [Theory]
    [InlineData(200, 640, 960, 32, 192, 640)] // small images are not scaled up, only rounded
    [InlineData(1080, 1920, 960, 32, 544, 960)] // 540 → 544
    [InlineData(10, 3000, 960, 32, 32, 960)] // at least one multiple
    [InlineData(50, 50, 960, 32, 64, 64)] // 50 / 32 = 1.56 rounds to 2
    public void Limit_side_scales_the_longer_side_down_and_rounds_each_side(int height, int width, int maxSide, int multiple, int expectedHeight, int expectedWidth) =>
        Assert.Equal((expectedHeight, expectedWidth), ImageTensorProcessor.LimitSide(height, width, maxSide, multiple));

    [Fact]
    public void Pixels_are_normalized_per_channel_in_nchw_with_the_scale_output()
    {
        var processor = Create(new ImageTensorFactory(), """{"size": [2, 2], "mean": [0.5, 0, 0], "std": [0.5, 1, 2], "scale": 0.00392156862745098}""");

        using var context = Run(processor, ("image", UInt8("image", Solid(4, 2, 255, 51, 0), 4, 2, 3)));

        Assert.Equal(TensorShape.Of(1, 3, 2, 2), context.Outputs["tensor"].Shape);
        var values = Floats(context.Outputs["tensor"]);
        Assert.All(values[0..4], v => Assert.Equal(1f, v, 5)); // (1 - 0.5) / 0.5
        Assert.All(values[4..8], v => Assert.Equal(0.2f, v, 5)); // 51 / 255
        Assert.All(values[8..12], v => Assert.Equal(0f, v, 5));
        Assert.Equal(new[] { 0.5f, 1f }, Floats(context.Outputs["scale"]));
    }

    [Fact]
    public void Bgr_and_nhwc_reorder_the_output()
    {
        var processor = Create(new ImageTensorFactory(), """{"size": [1, 1], "mean": [0, 0, 0], "std": [1, 1, 1], "scale": 1, "layout": "NHWC", "channel_order": "BGR"}""");

        using var context = Run(processor, ("image", UInt8("image", Solid(1, 1, 10, 20, 30), 1, 1, 3)));

        Assert.Equal(TensorShape.Of(1, 1, 1, 3), context.Outputs["tensor"].Shape);
        Assert.Equal(new[] { 30f, 20f, 10f }, Floats(context.Outputs["tensor"]));
    }

    [Fact]
    public void Bilinear_resize_interpolates_between_pixel_centres()
    {
        // One row, black then white: doubled to four columns, OpenCV's INTER_LINEAR gives 0, 64, 191, 255.
        var image = new byte[] { 0, 0, 0, 255, 255, 255 };
        var processor = Create(new ImageTensorFactory(), """{"size": [1, 4], "mean": [0, 0, 0], "std": [1, 1, 1], "scale": 1}""");

        using var context = Run(processor, ("image", UInt8("image", image, 1, 2, 3)));

        Assert.Equal(new[] { 0f, 63.75f, 191.25f, 255f }, Floats(context.Outputs["tensor"])[0..4]);
    }

    [Fact]
    public void Size_together_with_max_side_is_a_load_error()
    {
        var error = Assert.Throws<MaasError>(() => Create(new ImageTensorFactory(), """{"size": [32, 32], "max_side": 640, "layout": "CHW"}"""));

        Assert.Contains("'size' (a fixed resize) cannot be combined with 'max_side'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'layout' is 'CHW'; it must be one of NCHW, NHWC", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_non_image_input_is_refused()
    {
        var error = Assert.Throws<MaasError>(() => Run(Create(new ImageTensorFactory()), ("image", UInt8("image", new byte[8], 2, 4))));

        Assert.Contains("needs UINT8 [height, width, 3]", error.Message, StringComparison.Ordinal);
    }
}
