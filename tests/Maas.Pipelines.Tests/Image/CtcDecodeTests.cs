using Maas.Errors;
using Maas.Pipelines.Processors.Image;
using Maas.Tensors;
using static Maas.Pipelines.Tests.Image.ImageTestKit;

namespace Maas.Pipelines.Tests.Image;

public sealed class CtcDecodeTests
{
    private static string Dictionary(string contents)
    {
        var folder = Directory.CreateTempSubdirectory("maas-ctc-").FullName;
        File.WriteAllText(Path.Combine(folder, "keys.txt"), contents);
        return folder;
    }

    // One-hot-ish rows: the class at each step gets probability p, the rest share what is left.
    private static float[] Steps(int classes, params (int Class, float P)[] steps)
    {
        var values = new float[steps.Length * classes];
        for (var t = 0; t < steps.Length; t++)
        {
            for (var c = 0; c < classes; c++)
            {
                values[(t * classes) + c] = c == steps[t].Class ? steps[t].P : (1 - steps[t].P) / (classes - 1);
            }
        }

        return values;
    }

    [Fact]
    public void Greedy_decoding_collapses_repeats_and_drops_blanks()
    {
        // Classes: 0 blank, 1 'a', 2 'b', 3 'é', 4 ' ' (appended).
        var processor = Create(new CtcDecodeFactory(), """{"characters": "keys.txt"}""", Dictionary("a\nb\né\n"));
        var probabilities = Steps(5, (1, 0.9f), (1, 0.7f), (0, 0.8f), (1, 0.6f), (4, 0.9f), (3, 0.5f), (3, 0.9f), (0, 0.99f), (2, 0.8f));

        using var context = Run(processor, ("probabilities", Fp32("probabilities", probabilities, 1, 9, 5)));

        Assert.Equal(["aa éb"], Strings(context.Outputs["text"]));
        // Kept: a (0.9), a (0.6), ' ' (0.9), é (0.5), b (0.8): the first step of each run counts.
        Assert.Equal((0.9f + 0.6f + 0.9f + 0.5f + 0.8f) / 5, Floats(context.Outputs["scores"])[0], 5);
    }

    [Fact]
    public void All_blank_gives_empty_text_with_score_zero()
    {
        var processor = Create(new CtcDecodeFactory(), """{"characters": "keys.txt", "append_space": false}""", Dictionary("a\r\nb"));

        using var context = Run(processor, ("probabilities", Fp32("probabilities", Steps(3, (0, 0.9f), (0, 0.9f), (1, 0.8f), (0, 0.9f), (0, 0.9f), (0, 0.9f)), 2, 3, 3)));

        Assert.Equal(["a", ""], Strings(context.Outputs["text"]));
        Assert.Equal(0f, Floats(context.Outputs["scores"])[1]);
    }

    [Fact]
    public void The_blank_can_be_the_last_class()
    {
        var processor = Create(new CtcDecodeFactory(), """{"characters": "keys.txt", "blank": 2, "append_space": false}""", Dictionary("x\ny\n"));

        using var context = Run(processor, ("probabilities", Fp32("probabilities", Steps(3, (0, 0.9f), (2, 0.9f), (0, 0.9f), (1, 0.9f)), 1, 4, 3)));

        Assert.Equal(["xxy"], Strings(context.Outputs["text"]));
    }

    [Fact]
    public void A_class_count_that_does_not_match_the_dictionary_is_refused()
    {
        var processor = Create(new CtcDecodeFactory(), """{"characters": "keys.txt"}""", Dictionary("a\nb\n"));

        var error = Assert.Throws<MaasError>(() => Run(processor, ("probabilities", Fp32("probabilities", new float[12], 1, 2, 6))));

        Assert.Equal(MaasErrorCode.InvalidArgument, error.Code);
        Assert.Contains("has shape [1,2,6]; it must be [N, T, 4]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Zero_lines_give_zero_texts()
    {
        var processor = Create(new CtcDecodeFactory(), """{"characters": "keys.txt"}""", Dictionary("a\n"));

        using var context = Run(processor, ("probabilities", Fp32("probabilities", [], 0, 0, 3)));

        Assert.Equal(TensorShape.Of(0), context.Outputs["text"].Shape);
        Assert.Empty(Strings(context.Outputs["text"]));
    }

    [Fact]
    public void A_missing_dictionary_or_bad_blank_is_a_load_error()
    {
        var missing = Assert.Throws<MaasError>(() => Create(new CtcDecodeFactory(), """{"characters": "nope.txt"}""", Dictionary("a\n")));
        var blank = Assert.Throws<MaasError>(() => Create(new CtcDecodeFactory(), """{"characters": "keys.txt", "blank": 5}""", Dictionary("a\n")));

        Assert.Contains("'characters' names 'nope.txt'", missing.Message, StringComparison.Ordinal);
        Assert.Contains("'blank' is 5; with 2 characters the classes are 0 to 2", blank.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_paddle_dictionary_matches_the_recognizer_class_count()
    {
        var processor = (CtcDecodeProcessor)Create(new CtcDecodeFactory(), """{"characters": "ppocr_keys_v1.txt"}""", Path.Combine(Maas.TestModels.RepoPaths.DemoData, "ocr"));

        Assert.Equal(6625, processor.ClassCount);
    }
}
