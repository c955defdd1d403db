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

    // A 100 × 100 grey ramp that brightens along `direction` (2 levels per pixel from 128 at the
    // centre), constant across it.
    private static Tensor Ramp(float degrees)
    {
        var angle = degrees * MathF.PI / 180;
        var (ux, uy) = (MathF.Cos(angle), MathF.Sin(angle));
        var pixels = new byte[100 * 100 * 3];
        for (var y = 0; y < 100; y++)
        {
            for (var x = 0; x < 100; x++)
            {
                var along = ((x + 0.5f - 50) * ux) + ((y + 0.5f - 50) * uy);
                pixels.AsSpan(((y * 100) + x) * 3, 3).Fill((byte)Math.Clamp(MathF.Round(128 + (2 * along)), 0, 255));
            }
        }

        return UInt8("image", pixels, 100, 100, 3);
    }

    // The corners of a 60 × 20 rectangle centred in the image, its long side turned by `degrees`.
    private static float[] TurnedQuad(float degrees)
    {
        var angle = degrees * MathF.PI / 180;
        var (ux, uy) = (MathF.Cos(angle), MathF.Sin(angle));
        (float X, float Y) At(float along, float across) => (50 + (along * ux) - (across * uy), 50 + (along * uy) + (across * ux));
        var corners = new[] { At(-30, -10), At(30, -10), At(30, 10), At(-30, 10) };
        return [.. corners.SelectMany(c => new[] { c.X, c.Y })];
    }

    [Fact]
    public void A_quad_is_sampled_along_its_own_axes_so_slanted_content_comes_out_level()
    {
        // The ramp runs along the quad's long side: every crop column is one level, rising left to
        // right by 2 per source pixel (60 px → 60 columns at height 20).
        var processor = Create(new CropFactory(), $$"""{"height": 20, "min_width": 1, "max_width": 100, {{Plain}} }""");

        using var context = Run(processor, ("image", Ramp(30)), ("boxes", Fp32("boxes", [0, 0, 100, 100], 1, 4)), ("quads", Fp32("quads", TurnedQuad(30), 1, 4, 2)));

        Assert.Equal(TensorShape.Of(1, 3, 20, 60), context.Outputs["crops"].Shape);
        var red = Floats(context.Outputs["crops"])[..(20 * 60)];
        for (var x = 0; x < 60; x++)
        {
            var expected = 128 + (2 * (x + 0.5f - 30));
            for (var y = 0; y < 20; y++)
            {
                Assert.InRange(red[(y * 60) + x], expected - 1.5f, expected + 1.5f);
            }
        }
    }

    [Fact]
    public void A_quad_turned_upside_down_by_the_classifier_reads_right_to_left()
    {
        var processor = Create(new CropFactory(), $$"""{"height": 20, "min_width": 1, "max_width": 100, "rotate_threshold": 0.5, {{Plain}} }""");

        using var context = Run(
            processor, ("image", Ramp(30)), ("boxes", Fp32("boxes", [0, 0, 100, 100], 1, 4)), ("quads", Fp32("quads", TurnedQuad(30), 1, 4, 2)),
            ("orientation", Fp32("orientation", [0.1f, 0.9f], 1, 2)));

        var red = Floats(context.Outputs["crops"]);
        Assert.InRange(red[0], 128 + 59 - 1.5f, 128 + 59 + 1.5f);
        Assert.InRange(red[59], 128 - 59 - 1.5f, 128 - 59 + 1.5f);
    }

    [Fact]
    public void A_quad_much_taller_than_wide_is_turned_90_degrees_counter_clockwise()
    {
        // A 20 × 60 upright quad over a ramp that brightens downwards: turned counter-clockwise,
        // the image's top-right corner becomes the crop's top-left and down becomes left to right.
        var processor = Create(new CropFactory(), $$"""{"height": 20, "min_width": 1, "max_width": 100, {{Plain}} }""");

        using var context = Run(
            processor, ("image", Ramp(90)), ("boxes", Fp32("boxes", [40, 20, 60, 80], 1, 4)),
            ("quads", Fp32("quads", [40, 20, 60, 20, 60, 80, 40, 80], 1, 4, 2)));

        Assert.Equal(TensorShape.Of(1, 3, 20, 60), context.Outputs["crops"].Shape);
        var red = Floats(context.Outputs["crops"]);
        Assert.InRange(red[0], 128 - 59 - 1.5f, 128 - 59 + 1.5f);
        Assert.InRange(red[59], 128 + 59 - 1.5f, 128 + 59 + 1.5f);
        Assert.InRange(red[(19 * 60) + 59], 128 + 59 - 1.5f, 128 + 59 + 1.5f);
    }

    [Fact]
    public void Quads_of_the_wrong_shape_or_with_a_non_finite_or_far_corner_are_refused()
    {
        var processor = Create(new CropFactory());
        var boxes = Fp32("boxes", [0, 0, 4, 4], 1, 4);

        var shape = Assert.Throws<MaasError>(() => Run(processor, ("image", HalfAndHalf()), ("boxes", boxes), ("quads", Fp32("quads", [0, 0, 4, 0, 4, 4, 0, 4], 1, 8))));
        var nan = Assert.Throws<MaasError>(() => Run(processor, ("image", HalfAndHalf()), ("boxes", boxes), ("quads", Fp32("quads", [0, 0, 4, 0, float.NaN, 4, 0, 4], 1, 4, 2))));
        var far = Assert.Throws<MaasError>(() => Run(processor, ("image", HalfAndHalf()), ("boxes", boxes), ("quads", Fp32("quads", [0, 0, 1e30f, 0, 4, 4, 0, 4], 1, 4, 2))));

        Assert.Contains("must be [1, 4, 2]", shape.Message, StringComparison.Ordinal);
        Assert.Contains("quad 0 has coordinate NaN, which is not a finite number within one image size", nan.Message, StringComparison.Ordinal);
        Assert.Contains("quad 0 has coordinate 1E+30, which is not a finite number within one image size", far.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_quad_smaller_than_a_pixel_still_gets_a_crop()
    {
        var processor = Create(new CropFactory(), $$"""{"height": 2, "width": 4, {{Plain}} }""");

        using var context = Run(processor, ("image", HalfAndHalf()), ("boxes", Fp32("boxes", [5, 1, 6, 2], 1, 4)), ("quads", Fp32("quads", [5.2f, 1.2f, 5.4f, 1.2f, 5.4f, 1.4f, 5.2f, 1.4f], 1, 4, 2)));

        Assert.Equal([255f, 255f, 0f, 0f], Floats(context.Outputs["crops"])[0..4]); // 1 × 1 → 2 × 2 of the white half, then padding
    }

    [Fact]
    public void Width_with_max_width_is_a_load_error()
    {
        var error = Assert.Throws<MaasError>(() => Create(new CropFactory(), """{"width": 192, "max_width": 320}"""));

        Assert.Contains("'width' (every crop padded to one fixed width) cannot be combined with 'max_width'", error.Message, StringComparison.Ordinal);
    }
}
