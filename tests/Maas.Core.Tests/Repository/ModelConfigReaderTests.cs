using System.Text;
using Maas.Core.Repository;
using Maas.Errors;
using Maas.Models;
using Maas.TestModels;

namespace Maas.Core.Tests.Repository;

public class ModelConfigReaderTests
{
    private static ModelConfig Parse(string json) => ModelConfigReader.Parse(Encoding.UTF8.GetBytes(json), "models/add/config.json");

    private static MaasError ParseError(string json)
    {
        var error = Assert.Throws<MaasError>(() => Parse(json));
        Assert.Equal(MaasErrorCode.InvalidArgument, error.Code);
        Assert.Contains("models/add/config.json", error.Message);
        return error;
    }

    [Fact]
    public void Parse_WhenEveryFieldIsValid_ReadsThem()
    {
        var config = Parse("""
            {
              "backend": "onnxruntime",
              "engine": { "intra_op_threads": 2, "inter_op_threads": 1, "graph_optimization_level": "extended" }
            }
            """);

        Assert.Equal("onnxruntime", config.Backend);
        Assert.Equal(2, config.Engine.IntraOpThreads);
        Assert.Equal(1, config.Engine.InterOpThreads);
        Assert.Equal(GraphOptimizationLevel.Extended, config.Engine.GraphOptimizationLevel);
    }

    [Fact]
    public void Parse_ReadsDynamicBatching()
    {
        var config = Parse("""
            { "max_batch_size": 16, "dynamic_batching": { "max_queue_delay_microseconds": 2000, "preferred_batch_sizes": [4, 8], "adaptive_delay": false } }
            """);

        Assert.Equal(16, config.Batching.MaxBatchSize);
        Assert.Equal(TimeSpan.FromMilliseconds(2), config.Batching.MaxQueueDelay);
        Assert.Equal([4, 8], config.Batching.PreferredBatchSizes);
        Assert.False(config.Batching.AdaptiveDelay);
        Assert.True(Parse("{}").Batching.AdaptiveDelay);
    }

    [Theory]
    [InlineData("\"yes\"")]
    [InlineData("1")]
    [InlineData("null")]
    public void Parse_WhenAdaptiveDelayIsNotABoolean_SaysWhatItMustBe(string value)
    {
        var error = ParseError($$"""{ "dynamic_batching": { "adaptive_delay": {{value}} } }""");

        Assert.Contains("'dynamic_batching.adaptive_delay' must be true or false", error.Message);
    }

    [Theory]
    [InlineData("disabled", GraphOptimizationLevel.Disabled)]
    [InlineData("basic", GraphOptimizationLevel.Basic)]
    [InlineData("extended", GraphOptimizationLevel.Extended)]
    [InlineData("all", GraphOptimizationLevel.All)]
    public void Parse_ReadsEachOptimizationLevel(string text, GraphOptimizationLevel expected)
    {
        var config = Parse($$"""{ "engine": { "graph_optimization_level": "{{text}}" } }""");

        Assert.Equal(expected, config.Engine.GraphOptimizationLevel);
    }

    [Fact]
    public void Parse_WhenObjectIsEmpty_GivesTheDefaults()
    {
        var config = Parse("{}");

        Assert.Equal(ModelConfig.Default, config);
        Assert.Null(config.Backend);
        Assert.Equal(new EngineOptions(), config.Engine);
    }

    [Fact]
    public void Parse_WhenEngineSetsOnlySomeFields_KeepsTheOtherDefaults()
    {
        var config = Parse("""{ "engine": { "inter_op_threads": 3 } }""");

        Assert.Equal(3, config.Engine.InterOpThreads);
        Assert.Equal(0, config.Engine.IntraOpThreads);
        Assert.Equal(GraphOptimizationLevel.All, config.Engine.GraphOptimizationLevel);
    }

    [Fact]
    public void Parse_AllowsCommentsAndTrailingCommas()
    {
        var config = Parse("""
            {
              // the engine
              "engine": { "intra_op_threads": 4, },
            }
            """);

        Assert.Equal(4, config.Engine.IntraOpThreads);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(ModelConfigReader.MaxThreads)]
    public void Parse_AcceptsThreadCountsAtTheLimits(int threads)
    {
        var config = Parse($$"""{ "engine": { "intra_op_threads": {{threads}}, "inter_op_threads": {{threads}} } }""");

        Assert.Equal(threads, config.Engine.IntraOpThreads);
        Assert.Equal(threads, config.Engine.InterOpThreads);
    }

    [Fact]
    public void Parse_WhenManyFieldsAreBad_ReportsEveryOneInOneMessage()
    {
        var error = ParseError("""
            {
              "backend": 3,
              "engine": {
                "intra_op_threads": -1,
                "inter_op_threads": "two",
                "graph_optimization_level": "max",
                "intra_op_thread": 1
              },
              "max_batch_sise": 8
            }
            """);

        Assert.Contains("'backend' must be a string, not 3", error.Message);
        Assert.Contains("'engine.intra_op_threads' must be an integer from 0 to 1024, not -1", error.Message);
        Assert.Contains("'engine.inter_op_threads' must be an integer from 0 to 1024, not \"two\"", error.Message);
        Assert.Contains("'engine.graph_optimization_level' must be one of \"disabled\", \"basic\", \"extended\", \"all\", not \"max\"", error.Message);
        Assert.Contains("unknown field 'engine.intra_op_thread'", error.Message);
        Assert.Contains("unknown field 'max_batch_sise'", error.Message);
    }

    [Theory]
    [InlineData("1025")]
    [InlineData("1.5")]
    [InlineData("99999999999")]
    [InlineData("null")]
    [InlineData("true")]
    public void Parse_WhenThreadCountIsNotAnIntegerInRange_NamesTheFieldAndTheValue(string value)
    {
        var error = ParseError($$"""{ "engine": { "intra_op_threads": {{value}} } }""");

        Assert.Contains($"'engine.intra_op_threads' must be an integer from 0 to {ModelConfigReader.MaxThreads}, not {value}", error.Message);
    }

    [Fact]
    public void Parse_WhenOptimizationLevelIsNotAString_NamesTheField()
    {
        var error = ParseError("""{ "engine": { "graph_optimization_level": 2 } }""");

        Assert.Contains("'engine.graph_optimization_level'", error.Message);
        Assert.Contains("not 2", error.Message);
    }

    [Fact]
    public void Parse_WhenOptimizationLevelHasWrongCase_IsRejected()
    {
        var error = ParseError("""{ "engine": { "graph_optimization_level": "ALL" } }""");

        Assert.Contains("not \"ALL\"", error.Message);
    }

    [Fact]
    public void Parse_WhenTopLevelFieldIsUnknown_RejectsItAndListsTheKnownFields()
    {
        var error = ParseError("""{ "backend": "onnxruntime", "colour": "blue" }""");

        Assert.Contains("unknown field 'colour' (known fields: backend, engine, max_batch_size, dynamic_batching, instance_count, queue, output_labels, version_policy, labels, traffic, warmup, response_cache, llm, pipeline)", error.Message);
    }

    [Theory]
    [InlineData("""{"pipeline": [], "max_batch_size": 8}""", "'pipeline' must be an object with 'inputs', 'outputs' and 'steps'")]
    [InlineData("""{"pipeline": {"steps": []}, "max_batch_size": 8}""", "a pipeline does not batch or run instances itself")]
    [InlineData("""{"pipeline": {"steps": []}, "backend": "onnxruntime"}""", "runs on the 'pipeline' backend; remove 'backend'")]
    [InlineData("""{"pipeline": {"steps": []}, "queue": {"priority_levels": 2}}""", "only 'queue.max_queue_size' applies")]
    [InlineData("""{"pipeline": {"steps": []}, "warmup": {"runs": 3, "inputs": {"text": ["hi"]}}}""", "'warmup' does not apply to a pipeline")]
    [InlineData("""{"pipeline": {"sequence": {}, "steps": []}, "response_cache": {"enabled": true}}""", "'response_cache' cannot be enabled for a sequence pipeline")]
    [InlineData("""{"pipeline": {"sequence": {}, "steps": []}, "version_policy": {"all": {}}, "traffic": {"1": 50, "2": 50}}""", "'traffic' cannot split a sequence pipeline")]
    public void Parse_WhenAPipelineHasFieldsThatDoNotApply_RejectsThemSayingWhy(string json, string expected)
    {
        var error = ParseError(json);

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Parse_WhenEngineFieldIsUnknown_RejectsItAndListsTheKnownFields()
    {
        var error = ParseError("""{ "engine": { "threads": 1 } }""");

        Assert.Contains("unknown field 'engine.threads' (known: intra_op_threads, inter_op_threads, graph_optimization_level)", error.Message);
    }

    [Fact]
    public void Parse_WhenEngineIsNotAnObject_SaysWhatItMustBe()
    {
        var error = ParseError("""{ "engine": 4 }""");

        Assert.Contains("'engine' must be an object", error.Message);
    }

    [Theory]
    [InlineData("[]", "Array")]
    [InlineData("\"onnxruntime\"", "String")]
    [InlineData("42", "Number")]
    [InlineData("null", "Null")]
    public void Parse_WhenTopLevelIsNotAnObject_SaysSo(string json, string kind)
    {
        var error = ParseError(json);

        Assert.Contains($"the top level must be a JSON object, not {kind}", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("{ \"backend\": }")]
    [InlineData("{ backend: \"onnxruntime\" }")]
    [InlineData("{} {}")]
    public void Parse_WhenJsonIsInvalid_SaysItIsNotValidJson(string json)
    {
        var error = ParseError(json);

        Assert.Contains("not valid JSON", error.Message);
    }

    [Fact]
    public void ReadFile_ReadsTheFile()
    {
        using var repo = new TestRepository().AddConfig("add", """{ "backend": "onnxruntime" }""");

        var config = ModelConfigReader.ReadFile(repo.PathOf("add", "config.json"));

        Assert.Equal("onnxruntime", config.Backend);
    }

    [Fact]
    public void ReadFile_WhenContentIsInvalid_NamesTheFile()
    {
        using var repo = new TestRepository().AddConfig("add", """{ "bakend": "onnxruntime" }""");
        var path = repo.PathOf("add", "config.json");

        var error = Assert.Throws<MaasError>(() => ModelConfigReader.ReadFile(path));

        Assert.Equal(MaasErrorCode.InvalidArgument, error.Code);
        Assert.Contains(path, error.Message);
        Assert.Contains("unknown field 'bakend'", error.Message);
    }

    [Fact]
    public void ReadFile_WhenFileIsMissing_ThrowsInvalidArgumentNamingThePath()
    {
        using var repo = new TestRepository();
        var path = repo.PathOf("add", "config.json");

        var error = Assert.Throws<MaasError>(() => ModelConfigReader.ReadFile(path));

        Assert.Equal(MaasErrorCode.InvalidArgument, error.Code);
        Assert.Contains($"Cannot read {path}", error.Message);
    }

    [Fact]
    public void ReadFile_WhenPathCannotBeRead_ThrowsInvalidArgumentNamingThePath()
    {
        // A folder stands in for a file the process may not read (permissions do not apply to root).
        using var repo = new TestRepository().AddFolder("add/config.json");
        var path = repo.PathOf("add", "config.json");

        var error = Assert.Throws<MaasError>(() => ModelConfigReader.ReadFile(path));

        Assert.Equal(MaasErrorCode.InvalidArgument, error.Code);
        Assert.Contains($"Cannot read {path}", error.Message);
    }

    [Fact]
    public void Parse_LlmSection_ReadsEveryField()
    {
        var config = Parse("""{ "llm": { "context_length": 1024, "max_sequences": 8, "threads": 2, "batch_size": 128, "max_queue": 5, "prefix_cache_tokens": 2048, "default_max_tokens": 64, "chat_template": "chatml", "sampling": { "temperature": 0.5, "top_p": 0.9, "top_k": 40, "min_p": 0.05, "seed": 7 } } }""");

        var llm = config.LanguageModel!;
        Assert.Equal(1024, llm.ContextLength);
        Assert.Equal(8, llm.MaxSequences);
        Assert.Equal(2, llm.Threads);
        Assert.Equal(128, llm.BatchSize);
        Assert.Equal(5, llm.MaxQueue);
        Assert.Equal(2048, llm.PrefixCacheTokens);
        Assert.Equal(64, llm.DefaultMaxTokens);
        Assert.Equal("chatml", llm.ChatTemplate);
        Assert.Equal(0.5f, llm.DefaultSampling.Temperature);
        Assert.Equal(40, llm.DefaultSampling.TopK);
        Assert.Equal(7, llm.DefaultSampling.Seed);
    }

    [Fact]
    public void Parse_LlmSection_WithBadValues_ListsEveryProblem()
    {
        var error = ParseError("""{ "llm": { "max_sequences": 0, "prefix_cache_tokens": -1, "sampling": { "temperature": 5 }, "colour": 1 } }""");

        Assert.Contains("llm.max_sequences", error.Message);
        Assert.Contains("'llm.prefix_cache_tokens' must be an integer from 0 to 1048576, not -1", error.Message);
        Assert.Contains("llm.sampling.temperature", error.Message);
        Assert.Contains("unknown field 'llm.colour'", error.Message);
    }

    [Fact]
    public void Parse_LlmSection_PrefixCacheDefaultsOn_AndZeroTurnsItOff()
    {
        Assert.Equal(4096, Parse("""{ "llm": {} }""").LanguageModel!.PrefixCacheTokens);
        Assert.Equal(0, Parse("""{ "llm": { "prefix_cache_tokens": 0 } }""").LanguageModel!.PrefixCacheTokens);
    }
}
