using System.Text.Json.Nodes;
using Maas.Client;
using Maas.Client.Grpc;
using Maas.Client.Http;
using Maas.EndToEnd.Tests.Support;
using Maas.TestModels;
using SkiaSharp;

namespace Maas.EndToEnd.Tests;

/// <summary>
/// The demo <c>ocr</c> pipeline (decode → PP-OCRv4 detection → boxes → crop → orientation →
/// recognition → CTC decode): an image rendered here goes in, its text lines come back exactly,
/// with their boxes and scores.
/// </summary>
[Collection(DemoServers.Name)]
public sealed class OcrPipelineTests(DemoServerFixture fixture)
{
    private static readonly string[] Lines = ["Hello Maas 2026", "pipelines read text"];

    [Theory]
    [InlineData("rest")]
    [InlineData("grpc")]
    public async Task Reads_rendered_lines_exactly_with_boxes_in_reading_order(string transport)
    {
        using IInferenceClient client = transport == "rest" ? new KServeHttpClient(fixture.Server.Address) : new KServeGrpcClient(fixture.Server.GrpcAddress);
        var png = Render(Lines, SKEncodedImageFormat.Png);

        var result = await client.InferAsync(new InferRequest("ocr").WithInput(InferTensor.FromBytes("image", [png], 1)));

        Assert.Equal(Lines, result.Output("text").ToStrings());
        var boxes = result.Output("boxes");
        Assert.Equal([2L, 4L], boxes.Shape);
        var b = boxes.ToArray<float>();
        Assert.True(b[1] < b[5], "the first line's box is above the second's");
        Assert.All(result.Output("scores").ToArray<float>(), s => Assert.True(s > 0.8, $"score {s}"));
    }

    [Fact]
    public async Task Slanted_lines_are_read_exactly_and_their_quads_follow_the_slant()
    {
        using var client = new KServeHttpClient(fixture.Server.Address);

        var result = await client.InferAsync(new InferRequest("ocr").WithInput(InferTensor.FromBytes("image", [Render(Lines, SKEncodedImageFormat.Png, degrees: -12)], 1)));

        Assert.Equal(Lines, result.Output("text").ToStrings());
        var quads = result.Output("quads");
        Assert.Equal([2L, 4L, 2L], quads.Shape);
        var q = quads.ToArray<float>();
        for (var line = 0; line < 2; line++)
        {
            // Top-left → top-right rises (y decreases) as the text does: about 12° upwards.
            var (dx, dy) = (q[(line * 8) + 2] - q[line * 8], q[(line * 8) + 3] - q[(line * 8) + 1]);
            Assert.InRange(MathF.Atan2(dy, dx) * 180 / MathF.PI, -15f, -9f);
        }
    }

    [Fact]
    public async Task TF_Serving_predict_takes_the_image_as_base64_and_answers_one_prediction_per_line()
    {
        var png = Render(Lines, SKEncodedImageFormat.Png);
        var body = new JsonObject { ["instances"] = new JsonArray(new JsonObject { ["b64"] = Convert.ToBase64String(png) }) };

        using var response = await fixture.Client.PostAsync("/v1/models/ocr:predict", new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));

        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.True(response.IsSuccessStatusCode, json.ToJsonString());
        Assert.Equal(Lines, json["predictions"]!.AsArray().Select(p => p!["text"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Reads_a_JPEG_too_and_a_blank_image_has_no_lines()
    {
        using var client = new KServeHttpClient(fixture.Server.Address);

        var jpeg = await client.InferAsync(new InferRequest("ocr").WithInput(InferTensor.FromBytes("image", [Render(Lines, SKEncodedImageFormat.Jpeg)], 1)));
        var blank = await client.InferAsync(new InferRequest("ocr").WithInput(InferTensor.FromBytes("image", [Render([], SKEncodedImageFormat.Png)], 1)));

        Assert.Equal(Lines, jpeg.Output("text").ToStrings());
        Assert.Empty(blank.Output("text").ToStrings());
        Assert.Equal([0L, 4L], blank.Output("boxes").Shape);
    }

    [Fact]
    public async Task Bad_and_oversized_images_get_clear_400s()
    {
        using var client = new KServeHttpClient(fixture.Server.Address);

        var garbage = await Assert.ThrowsAsync<MaasClientException>(() => client.InferAsync(new InferRequest("ocr").WithInput(InferTensor.FromBytes("image", ["not an image at all"u8.ToArray()], 1))));
        Assert.Equal(400, garbage.HttpStatus);
        Assert.Contains("is not a PNG, JPEG, WebP, BMP or GIF file", garbage.Message, StringComparison.Ordinal);

        using var huge = new SKBitmap(4200, 4200);
        huge.Erase(SKColors.White);
        var oversized = await Assert.ThrowsAsync<MaasClientException>(() => client.InferAsync(new InferRequest("ocr").WithInput(InferTensor.FromBytes("image", [Encode(huge, SKEncodedImageFormat.Png)], 1))));
        Assert.Equal(400, oversized.HttpStatus);
        Assert.Contains("max_pixels", oversized.Message, StringComparison.Ordinal);
    }

    private static byte[] Render(string[] lines, SKEncodedImageFormat format, float degrees = 0)
    {
        var fontFile = Path.Combine(RepoPaths.DemoData, "fonts", "DejaVuSans.ttf");
        using var typeface = SKTypeface.FromFile(fontFile) ?? throw new FileNotFoundException($"{fontFile} is missing: run scripts/fetch-models.sh", fontFile);
        const int size = 40;
        using var font = new SKFont(typeface, size);
        using var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        // Turned text needs room to turn in: a square canvas, rotated about its centre.
        using var bitmap = degrees == 0 ? new SKBitmap(size * 16, (size * 2 * Math.Max(1, lines.Length)) + size) : new SKBitmap(size * 20, size * 20);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            if (degrees != 0)
            {
                canvas.RotateDegrees(degrees, bitmap.Width / 2f, bitmap.Height / 2f);
                canvas.Translate(size * 2, (bitmap.Height / 2f) - (size * lines.Length));
            }

            for (var i = 0; i < lines.Length; i++)
            {
                canvas.DrawText(lines[i], size, size * 2 * (i + 1), SKTextAlign.Left, font, paint);
            }
        }

        return Encode(bitmap, format);
    }

    private static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, 90);
        return data.ToArray();
    }
}
