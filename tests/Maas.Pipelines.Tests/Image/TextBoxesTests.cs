using Maas.Errors;
using Maas.Pipelines.Processors.Image;
using Maas.Tensors;
using static Maas.Pipelines.Tests.Image.ImageTestKit;

namespace Maas.Pipelines.Tests.Image;

public sealed class TextBoxesTests
{
    private static float[] Map(int height, int width, params (int X0, int Y0, int X1, int Y1, float P)[] blobs)
    {
        var map = new float[height * width];
        foreach (var (x0, y0, x1, y1, p) in blobs)
        {
            for (var y = y0; y < y1; y++)
            {
                for (var x = x0; x < x1; x++)
                {
                    map[(y * width) + x] = p;
                }
            }
        }

        return map;
    }

    private static ProcessorContextOutputs Boxes(string options, float[] map, int height, int width, float scaleY = 1, float scaleX = 1)
    {
        using var context = Run(
            Create(new TextBoxesFactory(), options),
            ("probability", Fp32("probability", map, 1, 1, height, width)),
            ("scale", Fp32("scale", [scaleY, scaleX], 2)));
        return new(context.Outputs["boxes"].Shape, Floats(context.Outputs["boxes"]), Floats(context.Outputs["scores"]), Floats(context.Outputs["quads"]));
    }

    private sealed record ProcessorContextOutputs(TensorShape Shape, float[] Boxes, float[] Scores, float[] Quads);

    [Fact]
    public void Two_blobs_give_two_boxes_unclipped_and_mapped_back_through_the_scale()
    {
        // The right-hand blob is listed first in the map; reading order puts the left one first.
        // Blob 10 × 4 px: unclip distance = 40 × 1.5 / 28 = 2.142857.
        var map = Map(16, 40, (24, 4, 34, 8, 0.9f), (2, 4, 12, 8, 0.8f));

        var result = Boxes("""{"unclip_ratio": 1.5}""", map, 16, 40, scaleY: 0.5f, scaleX: 0.5f);

        Assert.Equal(TensorShape.Of(2, 4), result.Shape);
        var d = 40 * 1.5f / 28;
        Assert.Equal([0f, (4 - d) * 2, (12 + d) * 2, (8 + d) * 2], result.Boxes[0..4], FloatComparer);
        Assert.Equal([(24 - d) * 2, (4 - d) * 2, (34 + d) * 2, (8 + d) * 2], result.Boxes[4..8], FloatComparer);
        Assert.Equal([0.8f, 0.9f], result.Scores, FloatComparer);
    }

    [Fact]
    public void A_thin_slanted_stroke_is_under_min_size_although_its_upright_box_is_not()
    {
        // A 45° line two pixels thick: its upright box is 40 × 41, its rotated rectangle ~2 px across.
        var map = new float[50 * 50];
        for (var i = 0; i < 40; i++)
        {
            map[((i + 5) * 50) + i + 5] = 0.9f;
            map[((i + 6) * 50) + i + 5] = 0.9f;
        }

        Assert.Equal(TensorShape.Of(0, 4), Boxes("""{"min_size": 3}""", map, 50, 50).Shape);
        Assert.Equal(TensorShape.Of(1, 4), Boxes("""{"min_size": 1, "box_threshold": 0}""", map, 50, 50).Shape);
    }

    [Fact]
    public void The_score_is_the_mean_of_the_map_inside_the_rectangle_weak_pixels_included()
    {
        // A 20 × 8 blob at 0.9 around a 4 × 4 hole at 0.1, under the threshold: not in the component, but inside its rectangle.
        var map = Map(20, 40, (5, 5, 25, 13, 0.9f), (13, 7, 17, 11, 0.1f));

        var result = Boxes("""{"threshold": 0.3, "box_threshold": 0.5}""", map, 20, 40);

        Assert.Equal([((144 * 0.9f) + (16 * 0.1f)) / 160], result.Scores, FloatComparer);
    }

    [Fact]
    public void A_slanted_line_box_is_the_upright_bounds_of_its_quad()
    {
        // A bar 30 px long, 6 px thick, at about 27° (one pixel down per two across).
        var map = new float[60 * 60];
        for (var x = 0; x < 30; x++)
        {
            for (var t = 0; t < 6; t++)
            {
                map[((10 + (x / 2) + t) * 60) + 10 + x] = 0.9f;
            }
        }

        var result = Boxes("""{"unclip_ratio": 1.5}""", map, 60, 60);

        var quad = result.Quads;
        float[] xs = [quad[0], quad[2], quad[4], quad[6]], ys = [quad[1], quad[3], quad[5], quad[7]];
        Assert.Equal([xs.Min(), ys.Min(), xs.Max(), ys.Max()], result.Boxes, FloatComparer);
    }

    [Fact]
    public void A_level_blob_has_the_quad_of_its_box()
    {
        var d = 40 * 1.5f / 28;
        var result = Boxes("""{"unclip_ratio": 1.5}""", Map(16, 40, (24, 4, 34, 8, 0.9f)), 16, 40, scaleY: 0.5f, scaleX: 0.5f);

        float[] box = [(24 - d) * 2, (4 - d) * 2, (34 + d) * 2, (8 + d) * 2];
        Assert.Equal([box[0], box[1], box[2], box[1], box[2], box[3], box[0], box[3]], result.Quads, FloatComparer);
    }

    [Theory]
    [InlineData(20)]
    [InlineData(-35)]
    public void A_slanted_blob_has_a_quad_along_it_while_its_box_stays_upright(float degrees)
    {
        // A 60 × 10 bar turned by `degrees` about (50, 50), rasterized by pixel centres.
        var angle = degrees * MathF.PI / 180;
        var (ux, uy) = (MathF.Cos(angle), MathF.Sin(angle));
        var map = new float[100 * 100];
        for (var y = 0; y < 100; y++)
        {
            for (var x = 0; x < 100; x++)
            {
                var (dx, dy) = (x + 0.5f - 50, y + 0.5f - 50);
                if (Math.Abs((dx * ux) + (dy * uy)) <= 30 && Math.Abs((-dx * uy) + (dy * ux)) <= 5)
                {
                    map[(y * 100) + x] = 1f;
                }
            }
        }

        var result = Boxes("""{"unclip_ratio": 0}""", map, 100, 100);

        var q = result.Quads;
        Assert.Equal(8, q.Length);
        var (topX, topY) = (q[2] - q[0], q[3] - q[1]);
        var (sideX, sideY) = (q[6] - q[0], q[7] - q[1]);
        Assert.InRange(MathF.Sqrt((topX * topX) + (topY * topY)), 59f, 63f);       // along: 60 px (± the pixel staircase)
        Assert.InRange(MathF.Sqrt((sideX * sideX) + (sideY * sideY)), 9.5f, 12.5f); // across: 10 px
        Assert.InRange(MathF.Atan2(topY, topX) * 180 / MathF.PI, degrees - 2, degrees + 2);
        Assert.InRange((q[0] + q[2] + q[4] + q[6]) / 4, 49f, 51f);
        Assert.InRange((q[1] + q[3] + q[5] + q[7]) / 4, 49f, 51f);
        // The upright box holds the whole bar: far taller than the bar is thick.
        Assert.True(result.Boxes[3] - result.Boxes[1] > 20, $"box {string.Join(", ", result.Boxes)}");
    }

    [Fact]
    public void Boxes_are_clamped_to_the_image()
    {
        var result = Boxes("""{"unclip_ratio": 3}""", Map(10, 10, (0, 0, 10, 10, 1f)), 10, 10);

        Assert.Equal([0f, 0f, 10f, 10f], result.Boxes);
    }

    [Fact]
    public void Small_or_faint_components_are_dropped()
    {
        var map = Map(20, 40, (1, 1, 3, 10, 0.9f), (10, 1, 20, 10, 0.5f), (25, 1, 35, 10, 0.7f));

        var result = Boxes("""{"min_size": 3, "box_threshold": 0.6, "unclip_ratio": 0}""", map, 20, 40);

        Assert.Equal([25f, 1f, 35f, 10f], result.Boxes);
        Assert.Equal([0.7f], result.Scores, FloatComparer);
    }

    [Fact]
    public void Diagonal_neighbours_join_only_with_8_connectivity()
    {
        var map = Map(10, 10, (0, 0, 4, 4, 1f), (4, 4, 8, 8, 1f));

        Assert.Single(Boxes("""{"unclip_ratio": 0}""", map, 10, 10).Scores);
        Assert.Equal(2, Boxes("""{"unclip_ratio": 0, "connectivity": 4}""", map, 10, 10).Scores.Length);
    }

    [Fact]
    public void Reading_order_is_by_line_then_left_to_right()
    {
        // Two lines; on the first line the right-hand box sits a little higher.
        var map = Map(40, 60, (30, 2, 50, 9, 1f), (2, 4, 20, 11, 1f), (2, 25, 20, 32, 1f), (30, 24, 50, 31, 1f));

        var boxes = Boxes("""{"unclip_ratio": 0}""", map, 40, 60).Boxes;

        Assert.Equal([2f, 30f, 2f, 30f], [boxes[0], boxes[4], boxes[8], boxes[12]]);
        Assert.Equal([4f, 2f, 25f, 24f], [boxes[1], boxes[5], boxes[9], boxes[13]]);
    }

    [Fact]
    public void Max_boxes_keeps_the_highest_scores()
    {
        var map = Map(10, 40, (0, 0, 5, 5, 0.7f), (10, 0, 15, 5, 0.9f), (20, 0, 25, 5, 0.8f));

        var result = Boxes("""{"max_boxes": 2, "unclip_ratio": 0}""", map, 10, 40);

        Assert.Equal([0.9f, 0.8f], result.Scores, FloatComparer);
    }

    [Fact]
    public void An_empty_map_gives_zero_boxes()
    {
        var result = Boxes("{}", new float[64], 8, 8);

        Assert.Equal(TensorShape.Of(0, 4), result.Shape);
        Assert.Empty(result.Scores);
    }

    [Fact]
    public void A_map_for_two_images_is_refused()
    {
        var error = Assert.Throws<MaasError>(() => Run(
            Create(new TextBoxesFactory()),
            ("probability", Fp32("probability", new float[8], 2, 1, 2, 2)),
            ("scale", Fp32("scale", [1f, 1f], 2))));

        Assert.Contains("must be [1, 1, height, width]", error.Message, StringComparison.Ordinal);
    }

    private static readonly IEqualityComparer<float> FloatComparer = EqualityComparer<float>.Create((a, b) => Math.Abs(a - b) < 1e-4f, f => 0);
}
