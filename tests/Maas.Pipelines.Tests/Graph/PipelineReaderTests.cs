using Maas.Errors;
using Maas.Pipelines.Graph;
using Maas.Tensors;

namespace Maas.Pipelines.Tests.Graph;

public sealed class PipelineReaderTests
{
    private const string Signature = """
        "inputs": [{"name": "text", "datatype": "BYTES", "dims": [-1]}],
        "outputs": [{"name": "embedding", "datatype": "FP32", "dims": [-1, 384]}]
        """;

    [Fact]
    public void A_whole_pipeline_is_read_with_its_signature_constants_steps_and_sequence()
    {
        var definition = PipelineReader.Read($$$"""
            { {{{Signature}}},
              "constants": [{"name": "rate", "datatype": "INT64", "dims": [1], "data": [16000]}],
              "steps": [
                {"name": "tokenize", "processor": "wordpiece_tokenizer", "inputs": {"text": "text"}, "outputs": {"input_ids": "ids"}, "options": {"max_length": 256}},
                {"model": "minilm", "version": 2, "inputs": {"input_ids": "ids"}, "outputs": {"last_hidden_state": "hidden"},
                 "state": [{"input": "h", "output": "hn", "dims": [2, 1, 64]}]}],
              "sequence": {"idle_timeout_seconds": 30, "max_sequences": 8} }
            """);

        Assert.Equal("text", Assert.Single(definition.Inputs).Name);
        Assert.Equal(TensorShape.Of(-1, 384), Assert.Single(definition.Outputs).Shape);
        var constant = Assert.Single(definition.Constants);
        Assert.Equal((DataType.Int64, 16000.0), (constant.DataType, constant.Values[0]));
        Assert.Equal(["tokenize", "minilm"], definition.Steps.Select(s => s.Name));
        Assert.Equal(256, definition.Steps[0].Options.GetProperty("max_length").GetInt32());
        Assert.Equal("2", definition.Steps[1].ModelVersion);
        Assert.Equal([2L, 1L, 64L], Assert.Single(definition.Steps[1].State).Dims!);
        Assert.Equal(new SequenceOptions(TimeSpan.FromSeconds(30), 8), definition.Sequence);
    }

    [Fact]
    public void Every_problem_is_reported_in_one_message_with_its_path()
    {
        var error = Assert.Throws<MaasError>(() => PipelineReader.Read("""
            { "inputs": [{"name": "text", "datatype": "TEXT", "dims": [-1]}, {"name": "text", "datatype": "BYTES", "dims": [1]}, 3],
              "outputs": {"name": "embedding"},
              "constants": [{"name": "c", "datatype": "FP32", "dims": [2], "data": [1]}, {"name": "h", "datatype": "FP16", "dims": [1], "data": [1]}],
              "steps": [
                {"name": "a", "processor": "top_k", "model": "m"},
                {"name": "b", "processor": "top_k", "scan": "x"},
                {"name": "b", "processor": "top_k"},
                {"model": "m", "options": {}, "state": [{"input": "h"}], "colour": 1}],
              "sequence": {"idle_timeout_seconds": 0} }
            """));

        Assert.Equal(MaasErrorCode.InvalidArgument, error.Code);
        string[] expected =
        [
            "'pipeline.inputs[0].datatype' must be one of",
            "'pipeline.inputs[0]' needs 'name', 'datatype' and 'dims'",
            "'pipeline.inputs[2]' must be an object",
            "'pipeline.outputs' must be an array of {\"name\", \"datatype\", \"dims\"} objects",
            "'pipeline.constants[0]' has 1 values for dims [2], which hold 2",
            "'pipeline.constants[1].datatype' is FP16; constants are BOOL, integer, FP32 or FP64",
            "'pipeline.steps[0]' must name exactly one of 'processor' (a built-in step) or 'model'",
            "step 'b': 'scan', 'state' and 'version' apply to model steps only",
            "two steps are named 'b'; step names must be unique",
            "step 'm': 'options' apply to processor steps only",
            "'pipeline.steps[3].state[0]' needs 'input' and 'output'",
            "unknown field 'pipeline.steps[3].colour'",
            "'pipeline.sequence.idle_timeout_seconds' must be an integer from 1 to 86400",
            "'pipeline.outputs' must list at least one output",
        ];
        foreach (var part in expected)
        {
            Assert.Contains(part, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Names_used_twice_in_the_signature_are_refused()
    {
        var error = Assert.Throws<MaasError>(() => PipelineReader.Read("""
            { "inputs": [{"name": "x", "datatype": "FP32", "dims": [1]}, {"name": "x", "datatype": "FP32", "dims": [1]}],
              "outputs": [{"name": "y", "datatype": "FP32", "dims": [1]}],
              "steps": [{"processor": "top_k"}] }
            """));

        Assert.Contains("'pipeline.inputs' names 'x' twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void More_steps_than_the_limit_are_refused_naming_it()
    {
        var steps = string.Join(", ", Enumerable.Range(0, PipelineReader.MaxSteps + 1).Select(i => $$"""{"name": "s{{i}}", "processor": "top_k"}"""));

        var error = Assert.Throws<MaasError>(() => PipelineReader.Read($$"""{ {{Signature}}, "steps": [{{steps}}] }"""));

        Assert.Contains($"'pipeline.steps' has {PipelineReader.MaxSteps + 1} steps; at most {PipelineReader.MaxSteps}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"steps\"")]
    public void A_pipeline_that_is_not_an_object_is_refused_not_thrown_on(string json)
    {
        var error = Assert.Throws<MaasError>(() => PipelineReader.Read(json));

        Assert.Contains("'pipeline' must be an object", error.Message, StringComparison.Ordinal);
    }
}
