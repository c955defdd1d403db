using Maas.Errors;
using Maas.Pipelines.Processors.Text;
using static Maas.Pipelines.Tests.Text.TextSteps;

namespace Maas.Pipelines.Tests.Text;

public sealed class TopKTests
{
    [Fact]
    public void Best_classes_come_first_with_softmax_probabilities()
    {
        var step = Create(new TopKFactory(), """{"k": 2}""");
        // softmax([0, ln 3, ln 6]) = [0.1, 0.3, 0.6].
        using var context = Run(step, ("logits", Floats("l", [0, MathF.Log(3), MathF.Log(6)], 1, 3)));

        Assert.Equal([1, 2], ShapeOf(context, "scores"));
        Assert.Equal([2, 1], LongsOf(context, "indices"));
        var scores = FloatsOf(context, "scores");
        Assert.Equal(0.6f, scores[0], 5);
        Assert.Equal(0.3f, scores[1], 5);
        Assert.Equal(["2", "1"], StringsOf(context, "labels"));
    }

    [Fact]
    public void K_is_clamped_to_the_class_count_and_raw_logits_are_kept_without_softmax()
    {
        var step = Create(new TopKFactory(), """{"softmax": false}""");
        using var context = Run(step, ("logits", Floats("l", [1, 5, 5, -2, 0, 4], 2, 3)));

        Assert.Equal([2, 3], ShapeOf(context, "scores"));
        // Ties: the lower index first.
        Assert.Equal([1, 2, 0, 2, 1, 0], LongsOf(context, "indices"));
        Assert.Equal([5f, 5f, 1f, 4f, 0f, -2f], FloatsOf(context, "scores"));
    }

    [Fact]
    public void Labels_come_from_the_file_one_per_line()
    {
        var folder = Directory.CreateTempSubdirectory("maas-topk-").FullName;
        File.WriteAllText(Path.Combine(folder, "labels.txt"), "cat\r\ndog\nbird é\n");
        var step = Create(new TopKFactory(), """{"k": 1, "labels": "labels.txt"}""", folder);
        using var context = Run(step, ("logits", Floats("l", [0, 1, 2, 9, 1, 0], 2, 3)));

        Assert.Equal(["bird é", "cat"], StringsOf(context, "labels"));
    }

    [Fact]
    public void A_labels_file_of_another_length_than_the_classes_is_a_clear_error()
    {
        var folder = Directory.CreateTempSubdirectory("maas-topk-").FullName;
        File.WriteAllText(Path.Combine(folder, "labels.txt"), "cat\ndog\n");
        var step = Create(new TopKFactory(), """{"labels": "labels.txt"}""", folder);

        var error = Assert.Throws<MaasError>(() => Run(step, ("logits", Floats("l", [0, 1, 2], 1, 3))));

        Assert.Contains("labels.txt has 2 labels but the logits have 3 classes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Logits_that_are_not_batch_by_classes_are_refused()
    {
        var step = Create(new TopKFactory(), "{}");

        var error = Assert.Throws<MaasError>(() => Run(step, ("logits", Floats("l", [0, 1, 2], 3))));

        Assert.Equal(MaasErrorCode.InvalidArgument, error.Code);
        Assert.Contains("is [3]; this step needs [batch, classes]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_options_are_reported_together()
    {
        var error = Assert.Throws<MaasError>(() => Create(new TopKFactory(), """{"k": 0, "labels": "missing.txt"}"""));

        Assert.Contains("'k' must be an integer from 1 to 1000", error.Message, StringComparison.Ordinal);
        Assert.Contains("'labels' names 'missing.txt'", error.Message, StringComparison.Ordinal);
    }
}
