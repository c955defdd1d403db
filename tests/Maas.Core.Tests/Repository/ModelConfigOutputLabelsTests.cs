using System.Text;
using Maas.Core.Repository;
using Maas.Errors;

namespace Maas.Core.Tests.Repository;

/// <summary><c>output_labels</c>: a classifier's class names, validated like every config field.</summary>
public class ModelConfigOutputLabelsTests
{
    private static ModelConfig Parse(string json) => ModelConfigReader.Parse(Encoding.UTF8.GetBytes(json), "models/cnn/config.json");

    [Fact]
    public void Parse_WhenOutputLabelsAreGiven_ReadsThemInOrder()
    {
        var config = Parse("""{ "output_labels": ["cat", "dog", "naïve bird"] }""");

        Assert.Equal(["cat", "dog", "naïve bird"], config.OutputLabels);
    }

    [Fact]
    public void Parse_WhenOutputLabelsAreAbsent_LeavesThemNull()
    {
        Assert.Null(Parse("{}").OutputLabels);
    }

    [Theory]
    [InlineData("""{ "output_labels": "cat" }""", "'output_labels' must be a list of 1 to 1000000 class names such as [\"cat\", \"dog\"], not \"cat\"")]
    [InlineData("""{ "output_labels": [] }""", "'output_labels' must be a list of 1 to 1000000 class names")]
    [InlineData("""{ "output_labels": ["cat", 2] }""", "'output_labels[1]' must be a non-empty string, not 2")]
    [InlineData("""{ "output_labels": ["cat", ""] }""", "'output_labels[1]' must be a non-empty string, not \"\"")]
    [InlineData("""{ "output_labels": ["cat", "dog", "cat"] }""", "'output_labels' has \"cat\" twice (at 0 and 2); class names must be unique")]
    public void Parse_WhenOutputLabelsAreInvalid_NamesTheProblem(string json, string message)
    {
        var error = Assert.Throws<MaasError>(() => Parse(json));

        Assert.Equal(MaasErrorCode.InvalidArgument, error.Code);
        Assert.Contains("models/cnn/config.json", error.Message);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Parse_WhenOutputLabelsAndAnotherFieldAreInvalid_ReportsBoth()
    {
        var error = Assert.Throws<MaasError>(() => Parse("""{ "output_labels": [1], "instance_count": 0 }"""));

        Assert.Contains("'output_labels[0]'", error.Message);
        Assert.Contains("'instance_count'", error.Message);
    }
}
