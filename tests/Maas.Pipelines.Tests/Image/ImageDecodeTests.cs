using System.Buffers.Binary;
using Maas.Errors;
using Maas.Pipelines.Processors.Image;
using Maas.Tensors;
using SkiaSharp;
using static Maas.Pipelines.Tests.Image.ImageTestKit;

namespace Maas.Pipelines.Tests.Image;

public sealed class ImageDecodeTests
{
    [Fact]
    public void Png_decodes_to_rgb_with_alpha_composited_on_white()
    {
        using var bitmap = new SKBitmap(new SKImageInfo(3, 2, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        bitmap.Erase(new SKColor(255, 255, 255, 0));
        bitmap.SetPixel(0, 0, new SKColor(255, 0, 0));
        bitmap.SetPixel(1, 0, new SKColor(0, 255, 0));
        bitmap.SetPixel(2, 0, new SKColor(0, 0, 255));
        bitmap.SetPixel(0, 1, new SKColor(0, 0, 0, 128));
        var png = Encode(bitmap);

        using var context = Run(Create(new ImageDecodeFactory()), ("image", Bytes("image", png)));

        var image = context.Outputs["image"];
        Assert.Equal(DataType.UInt8, image.DataType);
        Assert.Equal(TensorShape.Of(2, 3, 3), image.Shape);
        var rgb = image.Data.ToArray();
        Assert.Equal(new byte[] { 255, 0, 0, 0, 255, 0, 0, 0, 255 }, rgb[..9]);
        // Half-transparent black over white is mid grey; fully transparent is white.
        Assert.InRange(rgb[9], 126, 128);
        Assert.Equal(rgb[9], rgb[10]);
        Assert.Equal(new byte[] { 255, 255, 255, 255, 255, 255 }, rgb[12..]);
    }

    [Fact]
    public void Jpeg_decodes_too()
    {
        using var bitmap = new SKBitmap(16, 8);
        bitmap.Erase(new SKColor(200, 100, 50));

        using var context = Run(Create(new ImageDecodeFactory()), ("image", Bytes("image", Encode(bitmap, SKEncodedImageFormat.Jpeg))));

        Assert.Equal(TensorShape.Of(8, 16, 3), context.Outputs["image"].Shape);
        var rgb = context.Outputs["image"].Data.Span;
        Assert.InRange(rgb[0], 195, 205);
        Assert.InRange(rgb[1], 95, 105);
        Assert.InRange(rgb[2], 45, 55);
    }

    /// <summary>
    /// A 64×32 JPEG stored with quadrants red, green / blue, black comes out as a viewer shows it
    /// under each EXIF orientation: the quadrants as read on the upright image (top-left,
    /// top-right, bottom-left, bottom-right), e.g. 6 (rotate 90° clockwise to view) brings the
    /// bottom-left to the top-left.
    /// </summary>
    [Theory]
    [InlineData(1, "RGBK")]
    [InlineData(2, "GRKB")]
    [InlineData(3, "KBGR")]
    [InlineData(4, "BKRG")]
    [InlineData(5, "RBGK")]
    [InlineData(6, "BRKG")]
    [InlineData(7, "KGBR")]
    [InlineData(8, "GKRB")]
    public void Exif_orientation_turns_the_image_upright(int orientation, string quadrants)
    {
        using var bitmap = new SKBitmap(64, 32);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.DrawRect(0, 0, 32, 16, new SKPaint { Color = SKColors.Red });
            canvas.DrawRect(32, 0, 32, 16, new SKPaint { Color = new SKColor(0, 255, 0) });
            canvas.DrawRect(0, 16, 32, 16, new SKPaint { Color = SKColors.Blue });
            canvas.DrawRect(32, 16, 32, 16, new SKPaint { Color = SKColors.Black });
        }

        var jpeg = WithExifOrientation(Encode(bitmap, SKEncodedImageFormat.Jpeg), orientation);
        using var context = Run(Create(new ImageDecodeFactory()), ("image", Bytes("image", jpeg)));

        var image = context.Outputs["image"];
        var (height, width) = orientation >= 5 ? (64, 32) : (32, 64);
        Assert.Equal(TensorShape.Of(height, width, 3), image.Shape);
        var rgb = image.Data.ToArray();
        (int X, int Y)[] centres = [(width / 4, height / 4), (3 * width / 4, height / 4), (width / 4, 3 * height / 4), (3 * width / 4, 3 * height / 4)];
        var seen = string.Concat(centres.Select(p => Name(rgb.AsSpan(((p.Y * width) + p.X) * 3, 3))));
        Assert.Equal(quadrants, seen);
    }

    private static char Name(ReadOnlySpan<byte> pixel) => (pixel[0] > 200, pixel[1] > 200, pixel[2] > 200, pixel[0] + pixel[1] + pixel[2] < 120) switch
    {
        (true, false, false, _) => 'R',
        (false, true, false, _) => 'G',
        (false, false, true, _) => 'B',
        (_, _, _, true) => 'K',
        _ => '?',
    };

    // A JPEG with an APP1 Exif segment right after SOI holding one IFD0 entry, Orientation
    // (tag 0x0112, SHORT), big-endian TIFF: what a camera writes, minus everything else.
    private static byte[] WithExifOrientation(byte[] jpeg, int orientation)
    {
        byte[] app1 =
        [
            0xFF, 0xE1, 0x00, 34,
            (byte)'E', (byte)'x', (byte)'i', (byte)'f', 0, 0,
            (byte)'M', (byte)'M', 0x00, 0x2A, 0, 0, 0, 8,
            0x00, 0x01,
            0x01, 0x12, 0x00, 0x03, 0, 0, 0, 1, 0x00, (byte)orientation, 0, 0,
            0, 0, 0, 0,
        ];
        return [.. jpeg[..2], .. app1, .. jpeg[2..]];
    }

    [Fact]
    public void Garbage_bytes_are_refused_with_the_formats_named()
    {
        var error = Assert.Throws<MaasError>(() => Run(Create(new ImageDecodeFactory()), ("image", Bytes("image", "not an image"u8.ToArray()))));

        Assert.Equal(MaasErrorCode.InvalidArgument, error.Code);
        Assert.Contains("is not a PNG, JPEG, WebP, BMP or GIF file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Oversized_header_is_refused_before_decoding()
    {
        // A PNG signature, an IHDR claiming 100000 × 100000 pixels and an empty IDAT: no pixel
        // data at all, so only a check of the header's dimensions can answer it.
        var png = new byte[45];
        new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }.CopyTo(png, 0);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(8), 13);
        "IHDR"u8.CopyTo(png.AsSpan(12));
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(16), 100_000);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(20), 100_000);
        png[24] = 8; // bit depth
        png[25] = 2; // RGB
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(29), Crc32(png.AsSpan(12, 17)));
        "IDAT"u8.CopyTo(png.AsSpan(37));
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(41), Crc32(png.AsSpan(37, 4)));

        var error = Assert.Throws<MaasError>(() => Run(Create(new ImageDecodeFactory()), ("image", Bytes("image", png))));

        Assert.Contains("100000×100000 = 10000000000 pixels; the limit is 16777216 (option 'max_pixels')", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pixel_and_byte_limits_come_from_the_options()
    {
        using var bitmap = new SKBitmap(10, 10);
        bitmap.Erase(SKColors.Gray);
        var png = Encode(bitmap);

        var pixels = Assert.Throws<MaasError>(() => Run(Create(new ImageDecodeFactory(), """{"max_pixels": 99}"""), ("image", Bytes("image", png))));
        var bytes = Assert.Throws<MaasError>(() => Run(Create(new ImageDecodeFactory(), """{"max_bytes": 10}"""), ("image", Bytes("image", png))));

        Assert.Contains("the limit is 99 (option 'max_pixels')", pixels.Message, StringComparison.Ordinal);
        Assert.Contains($"is {png.Length} bytes; the limit is 10 (option 'max_bytes')", bytes.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Zero_or_two_files_are_refused()
    {
        var processor = Create(new ImageDecodeFactory());

        var none = Assert.Throws<MaasError>(() => Run(processor, ("image", Bytes("image"))));
        var two = Assert.Throws<MaasError>(() => Run(processor, ("image", Bytes("image", [1], [2]))));

        Assert.Contains("BYTES with 0 elements", none.Message, StringComparison.Ordinal);
        Assert.Contains("BYTES with 2 elements", two.Message, StringComparison.Ordinal);
        Assert.Contains("exactly one element", two.Message, StringComparison.Ordinal);
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}
