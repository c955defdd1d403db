using Maas.Errors;
using Maas.Pipelines.Processors.Image;
using Maas.Tensors;
using static Maas.Pipelines.Tests.Image.ImageTestKit;

namespace Maas.Pipelines.Tests.Image;

public sealed class CropTests
{
    // A 4 × 8 image: the left half black, the right half white.
    private static Tensor HalfAndHalf()
    {
        var pixels = Solid(4, 8, 0, 0, 0);
        for (var y = 0; y < 4; y++)
        {
            for (var x = 4; x < 8; x++)
            {
                pixels.AsSpan(((y * 8) + x) * 3, 3).Fill(255);
            }
        }

        return UInt8("image", pixels, 4, 8, 3);
    }

    private const string Plain = """ "mean": [0, 0, 0], "std": [1, 1, 1], "scale": 1 """;

    [Fact]
    public void Fixed_width_keeps_the_aspect_and_pads_the_right_with_zeros()
    {
        // Box 4 × 4 px → 2 × 2 at height 2; the batch is 6 wide, so columns 2 to 5 are padding.
        var processor = Create(new CropFactory(), $$"""{"height": 2, "width": 6, {{Plain}} }""");

        using var context = Run(processor, ("image", HalfAndHalf()), ("boxes", Fp32("boxes", [2, 0, 6, 4], 1, 4)));

        Assert.Equal(TensorShape.Of(1, 3, 2, 6), context.Outputs["crops"].Shape);
        var row = Floats(context.Outputs["crops"])[0..6];
        Assert.Equal([0f, 255f, 0f, 0f, 0f, 0f], row);
    }

    [Fact]
    public void Dynamic_width_fits_the_widest_crop_within_the_bounds()
    {
        var processor = Create(new CropFactory(), $$"""{"height": 2, "min_width": 1, "max_width": 3, {{Plain}} }""");

        using var narrow = Run(processor, ("image", HalfAndHalf()), ("boxes", Fp32("boxes", [0, 0, 2, 4, 0, 0, 4, 4], 2, 4)));
        using var wide = Run(processor, ("image", HalfAndHalf()), ("boxes", Fp32("boxes", [0, 0, 8, 4], 1, 4)));

        Assert.Equal(TensorShape.Of(2, 3, 2, 2), narrow.Outputs["crops"].Shape); // widest: 4 × 4 → 2
        Assert.Equal(TensorShape.Of(1, 3, 2, 3), wide.Outputs["crops"].Shape); // 8 × 4 → 4, capped at 3
    }

    [Fact]
    public void More_crop_pixels_than_max_batch_pixels_are_refused_with_both_figures()
    {
        // Each crop is 2 × 6 = 12 pixels: two fit a budget of 30, three do not.
        var processor = Create(new CropFactory(), $$"""{"height": 2, "width": 6, "max_batch_pixels": 30, {{Plain}} }""");

        using var two = Run(processor, ("image", HalfAndHalf()), ("boxes", Fp32("boxes", [0, 0, 4, 4, 4, 0, 8, 4], 2, 4)));
        var error = Assert.Throws<MaasError>(() => Run(processor, ("image", HalfAndHalf()), ("boxes", Fp32("boxes", [0, 0, 4, 4, 4, 0, 8, 4, 2, 0, 6, 4], 3, 4))));

        Assert.Equal(TensorShape.Of(2, 3, 2, 6), two.Outputs["crops"].Shape);
        Assert.Equal(MaasErrorCode.InvalidArgument, error.Code);
        Assert.Contains("3 crops of 2 × 6 are 36 pixels; the limit is 30 per request (option max_batch_pixels)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Max_batch_pixels_below_one_crop_is_a_load_error()
    {
        var error = Assert.Throws<MaasError>(() => Create(new CropFactory(), """{"height": 48, "max_width": 1280, "max_batch_pixels": 1000}"""));

        Assert.Contains("'max_batch_pixels' (1000) is below one crop of 48 × 1280", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Crops_the_classifier_calls_upside_down_are_turned()
    {
        var processor = Create(new CropFactory(), $$"""{"height": 4, "width": 8, "rotate_threshold": 0.9, {{Plain}} }""");
        var boxes = Fp32("boxes", [0, 0, 8, 4, 0, 0, 8, 4], 2, 4);

        using var context = Run(processor, ("image", HalfAndHalf()), ("boxes", boxes), ("orientation", Fp32("orientation", [0.05f, 0.95f, 0.15f, 0.85f], 2, 2)));

        var crops = Floats(context.Outputs["crops"]);
        var plane = 3 * 4 * 8;
        Assert.Equal([255f, 255f, 255f, 255f, 0f, 0f, 0f, 0f], crops[0..8]); // turned: white first
        Assert.Equal([0f, 0f, 0f, 0f, 255f, 255f, 255f, 255f], crops[plane..(plane + 8)]); // 0.85 < 0.9: as is
    }

    [Fact]
    public void Paddle_normalization_and_bgr_are_the_defaults()
    {
        var image = UInt8("image", Solid(2, 2, 255, 0, 0), 2, 2, 3);

        using var context = Run(Create(new CropFactory(), """{"height": 2, "width": 2}"""), ("image", image), ("boxes", Fp32("boxes", [0, 0, 2, 2], 1, 4)));

        var crops = Floats(context.Outputs["crops"]);
        Assert.Equal(-1f, crops[0], 5); // channel 0 is blue
        Assert.Equal(1f, crops[8], 5); // channel 2 is red: (1 - 0.5) / 0.5
    }

    [Fact]
    public void Zero_boxes_give_an_empty_batch()
    {
        var processor = Create(new CropFactory(), """{"height": 48, "width": 192}""");

        using var context = Run(processor, ("image", HalfAndHalf()), ("boxes", Fp32("boxes", [], 0, 4)), ("orientation", Fp32("orientation", [], 0, 2)));

        Assert.Equal(TensorShape.Of(0, 3, 48, 192), context.Outputs["crops"].Shape);
    }

    [Fact]
    public void A_box_outside_the_image_is_refused()
    {
        var error = Assert.Throws<MaasError>(() => Run(Create(new CropFactory()), ("image", HalfAndHalf()), ("boxes", Fp32("boxes", [9, 0, 12, 4], 1, 4))));

        Assert.Contains("box 0 (9, 0, 12, 4) covers no pixel of the 8×4 image", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Orientation_for_another_count_is_refused()
    {
        var error = Assert.Throws<MaasError>(() => Run(
            Create(new CropFactory()),
            ("image", HalfAndHalf()), ("boxes", Fp32("boxes", [0, 0, 4, 4], 1, 4)), ("orientation", Fp32("orientation", [1, 0, 1, 0], 2, 2))));

        Assert.Contains("must be [1, 2]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Width_with_max_width_is_a_load_error()
    {
        var error = Assert.Throws<MaasError>(() => Create(new CropFactory(), """{"width": 192, "max_width": 320}"""));

        Assert.Contains("'width' (every crop padded to one fixed width) cannot be combined with 'max_width'", error.Message, StringComparison.Ordinal);
    }
}
