using Maas.Pipelines.Processors;
using Maas.Pipelines.Processors.Image;
using Tensor = Maas.Tensors.Tensor;
using Maas.TestModels;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SkiaSharp;
using Xunit.Abstractions;
using static Maas.Pipelines.Tests.Image.ImageTestKit;

namespace Maas.Pipelines.Tests.Image;

/// <summary>
/// The PaddleOCR chain with the real models (scripts/fetch-models.sh): detect → crop → orientation
/// classify → crop (turned where the classifier says so) → recognise → CTC decode, on text
/// rendered with SkiaSharp.
/// </summary>
public sealed class OcrModelTests : IDisposable
{
    private readonly ITestOutputHelper _output;
    private readonly InferenceSession _det = new(RepoPaths.DemoModel("ocr-det"));
    private readonly InferenceSession _cls = new(RepoPaths.DemoModel("ocr-cls"));
    private readonly InferenceSession _rec = new(RepoPaths.DemoModel("ocr-rec"));

    public OcrModelTests(ITestOutputHelper output) => _output = output;

    public void Dispose()
    {
        _det.Dispose();
        _cls.Dispose();
        _rec.Dispose();
    }

    [Fact]
    public void Model_signatures_are_what_the_steps_expect()
    {
        foreach (var (name, session) in new[] { ("det", _det), ("cls", _cls), ("rec", _rec) })
        {
            foreach (var (io, meta) in session.InputMetadata.Select(m => ("in", m)).Concat(session.OutputMetadata.Select(m => ("out", m))))
            {
                _output.WriteLine($"{name} {io} {meta.Key} {meta.Value.ElementDataType} [{string.Join(",", meta.Value.Dimensions)}]");
            }
        }

        Assert.Equal("x", Assert.Single(_det.InputMetadata).Key);
        Assert.Equal([-1, 3, -1, -1], _det.InputMetadata["x"].Dimensions);
        Assert.Equal([-1, 1, -1, -1], Assert.Single(_det.OutputMetadata).Value.Dimensions);
        Assert.Equal([-1, 3, -1, -1], Assert.Single(_cls.InputMetadata).Value.Dimensions);
        Assert.Equal([-1, 2], Assert.Single(_cls.OutputMetadata).Value.Dimensions);
        Assert.Equal([-1, 3, 48, -1], Assert.Single(_rec.InputMetadata).Value.Dimensions);
        Assert.Equal([-1, -1, 6625], Assert.Single(_rec.OutputMetadata).Value.Dimensions);
    }

    private static string Font => Path.Combine(RepoPaths.DemoData, "fonts", "DejaVuSans.ttf");

    private static byte[] Render(string[] lines, int fontSize, bool upsideDown = false, SKColor? ink = null, SKColor? paper = null)
    {
        using var typeface = SKTypeface.FromFile(Font) ?? throw new FileNotFoundException($"{Font} is missing: run scripts/fetch-models.sh", Font);
        using var font = new SKFont(typeface, fontSize);
        using var paint = new SKPaint { Color = ink ?? SKColors.Black, IsAntialias = true };
        var lineHeight = fontSize * 2;
        using var bitmap = new SKBitmap(fontSize * 16, (lineHeight * lines.Length) + fontSize);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(paper ?? SKColors.White);
            if (upsideDown)
            {
                canvas.RotateDegrees(180, bitmap.Width / 2f, bitmap.Height / 2f);
            }

            for (var i = 0; i < lines.Length; i++)
            {
                canvas.DrawText(lines[i], fontSize, lineHeight * (i + 1), SKTextAlign.Left, font, paint);
            }
        }

        return Encode(bitmap);
    }

    // The lines drawn turned by `degrees` (clockwise) about the centre of a canvas big enough to
    // hold them at any angle.
    private static byte[] RenderTurned(string[] lines, int fontSize, float degrees)
    {
        using var typeface = SKTypeface.FromFile(Font) ?? throw new FileNotFoundException($"{Font} is missing: run scripts/fetch-models.sh", Font);
        using var font = new SKFont(typeface, fontSize);
        using var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        var side = fontSize * 20;
        using var bitmap = new SKBitmap(side, side);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            canvas.RotateDegrees(degrees, side / 2f, side / 2f);
            var lineHeight = fontSize * 2;
            var top = (side / 2f) - (lineHeight * (lines.Length - 1) / 2f) + (fontSize / 3f);
            for (var i = 0; i < lines.Length; i++)
            {
                canvas.DrawText(lines[i], side / 2f, top + (lineHeight * i), SKTextAlign.Center, font, paint);
            }
        }

        return Encode(bitmap);
    }

    private static Processor Step(IProcessorFactory factory, string options) =>
        Create(factory, options, Path.Combine(RepoPaths.DemoData, "ocr"));

    // The recognizer cannot run a batch of 0 (a Reshape to [0, T, -1] fails), so an empty batch
    // skips the model, as a pipeline must: the output is [0, ...] with unknown sizes 0.
    private static Tensor Infer(InferenceSession session, Tensor input)
    {
        if (input.Shape[0] == 0)
        {
            var outputDims = session.OutputMetadata.Values.Single().Dimensions.Select(d => (long)Math.Max(d, 0)).ToArray();
            return Fp32("out", [], outputDims);
        }

        var dims = input.Shape.ToArray().Select(d => (int)d).ToArray();
        var inputName = session.InputMetadata.Keys.Single();
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(inputName, new DenseTensor<float>(Floats(input), dims))]);
        var output = results.Single().AsTensor<float>();
        return Fp32("out", output.ToArray(), [.. output.Dimensions.ToArray().Select(d => (long)d)]);
    }

    // The options below are the ones the demo 'ocr' pipeline uses; keep them in step with its
    // config.json. BGR throughout, as PaddleOCR trains on OpenCV's pixel order (a sweep of six
    // ink/paper colours read exactly in either order, so this is fidelity, not a measured gain).
    private (string[] Text, float[] Scores, float[] Boxes) Read(byte[] file)
    {
        using var decoded = Run(Step(new ImageDecodeFactory(), "{}"), ("image", Bytes("file", file)));
        var image = decoded.Outputs["image"];
        using var prep = Run(Step(new ImageTensorFactory(), """{"max_side": 960, "multiple_of": 32, "channel_order": "BGR"}"""), ("image", image));
        var probability = Infer(_det, prep.Outputs["tensor"]);
        using var boxes = Run(Step(new TextBoxesFactory(), """{"threshold": 0.3, "box_threshold": 0.6, "unclip_ratio": 1.5}"""), ("probability", probability), ("scale", prep.Outputs["scale"]));
        using var clsCrops = Run(Step(new CropFactory(), """{"height": 48, "width": 192, "channel_order": "BGR"}"""), ("image", image), ("boxes", boxes.Outputs["boxes"]), ("quads", boxes.Outputs["quads"]));
        var orientation = Infer(_cls, clsCrops.Outputs["crops"]);
        using var recCrops = Run(
            Step(new CropFactory(), """{"height": 48, "max_width": 1280, "rotate_threshold": 0.9, "channel_order": "BGR"}"""),
            ("image", image), ("boxes", boxes.Outputs["boxes"]), ("quads", boxes.Outputs["quads"]), ("orientation", orientation));
        var probabilities = Infer(_rec, recCrops.Outputs["crops"]);
        using var text = Run(Step(new CtcDecodeFactory(), """{"characters": "ppocr_keys_v1.txt", "blank": 0, "append_space": true}"""), ("probabilities", probabilities));

        var result = (Strings(text.Outputs["text"]), Floats(text.Outputs["scores"]), Floats(boxes.Outputs["boxes"]));
        _output.WriteLine($"orientation {string.Join(", ", Floats(orientation).Select(f => f.ToString("0.000")))}");
        for (var i = 0; i < result.Item1.Length; i++)
        {
            _output.WriteLine($"'{result.Item1[i]}' {result.Item2[i]:0.0000} box {string.Join(", ", result.Item3.Skip(i * 4).Take(4).Select(f => f.ToString("0.0")))}");
        }

        return result;
    }

    [Fact]
    public void Rendered_lines_are_read_exactly()
    {
        string[] lines = ["Hello Maas 2026", "pipelines read text"];

        var (text, scores, _) = Read(Render(lines, 40));

        Assert.Equal(lines, text);
        Assert.All(scores, s => Assert.InRange(s, 0.8f, 1f));
    }

    [Fact]
    public void Upside_down_text_is_turned_by_the_classifier_and_read()
    {
        // Upside down, the second line is on top: reading order gives it first.
        var (text, _, _) = Read(Render(["Hello Maas 2026", "pipelines read text"], 40, upsideDown: true));

        Assert.Equal(["pipelines read text", "Hello Maas 2026"], text);
    }

    [Theory]
    [InlineData(-12)]
    [InlineData(15)]
    public void Slanted_lines_are_cropped_along_their_rotated_boxes_and_read(float degrees)
    {
        string[] lines = ["Hello Maas 2026", "pipelines read text"];

        var (text, _, _) = Read(RenderTurned(lines, 40, degrees));

        Assert.Equal(lines, text);
    }

    [Fact]
    public void Vertical_lines_are_turned_upright_and_read()
    {
        // Turned 90° clockwise the text reads top to bottom; its crop is turned back by 90°
        // counter-clockwise. Turned the other way, that leaves it upside down for the classifier.
        Assert.Equal(["Hello Maas 2026"], Read(RenderTurned(["Hello Maas 2026"], 40, 90)).Text);
        Assert.Equal(["Hello Maas 2026"], Read(RenderTurned(["Hello Maas 2026"], 40, -90)).Text);
    }

    [Fact]
    public void A_blank_image_gives_no_boxes_and_no_text()
    {
        var (text, scores, boxes) = Read(Render([], 40));

        Assert.Empty(text);
        Assert.Empty(scores);
        Assert.Empty(boxes);
    }
}
