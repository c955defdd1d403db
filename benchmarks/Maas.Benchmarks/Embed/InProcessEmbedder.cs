using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Maas.Benchmarks.EndToEnd;
using Maas.Pipelines.Processors;
using Maas.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace Maas.Benchmarks.Embed;

/// <summary>
/// The baseline of <c>embed</c>: what the <c>minilm-embed</c> pipeline does, called in-process.
/// The same processor code (Maas.Pipelines' <c>wordpiece_tokenizer</c> and <c>mean_pool</c>, made
/// from the pipeline's own options through <see cref="ProcessorRegistry"/>) around an ONNX Runtime
/// session with the server's session options (1 intra-op, 1 inter-op thread, sequential,
/// ORT_ENABLE_ALL). One <see cref="Invoke"/> embeds <see cref="Rows"/> sentences as one batch:
/// tokenize (padded to the longest of the batch), one engine run, pool. Nothing is cached between
/// calls but the input strings, already in the BYTES layout (the server parses them from JSON).
/// </summary>
internal sealed class InProcessEmbedder : ITarget, IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly Processor _tokenizer;
    private readonly Processor _pool;
    private readonly Tensor[] _batches;
    private readonly string[] _outputNames = ["last_hidden_state"];
    private int _next;

    /// <param name="modelPath">minilm's model.onnx.</param>
    /// <param name="pipelineFolder">The pipeline's folder: the steps' options come from its config.json, their files from version 1.</param>
    /// <param name="sentences">Sentence j of a call is <c>sentences[(first + j) % n]</c>, the first rotating from call to call.</param>
    /// <param name="rows">Sentences per call (the batch).</param>
    public InProcessEmbedder(string modelPath, string pipelineFolder, IReadOnlyList<string> sentences, int rows)
    {
        Rows = rows;
        using var options = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        _session = new InferenceSession(modelPath, options);
        // The pipeline's own step options, read from its config.json: the same padding, the same length.
        using var config = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(pipelineFolder, "config.json")));
        var folder = Path.Combine(pipelineFolder, "1");
        _tokenizer = Create(config.RootElement, "wordpiece_tokenizer", folder);
        _pool = Create(config.RootElement, "mean_pool", folder);
        _batches = new Tensor[sentences.Count];
        for (var first = 0; first < sentences.Count; first++)
        {
            var batch = new string[rows];
            for (var j = 0; j < rows; j++)
            {
                batch[j] = sentences[(first + j) % sentences.Count];
            }

            _batches[first] = Text("text", batch);
        }
    }

    public string Name => $"in-process, batch {Rows}";

    public bool OnEngineCpu => true;

    public int Rows { get; }

    public void Invoke()
    {
        var s = _next;
        _next = (s + 1) % _batches.Length;
        Embed(_batches[s]).Dispose();
    }

    /// <summary>The embeddings of <paramref name="sentences"/> (one call, any count), row by row.</summary>
    public float[][] Embeddings(IReadOnlyList<string> sentences)
    {
        using var pooled = Embed(Text("text", sentences));
        var flat = MemoryMarshal.Cast<byte, float>(pooled.Outputs["embedding"].Data.Span);
        var dim = flat.Length / sentences.Count;
        var rows = new float[sentences.Count][];
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i] = flat.Slice(i * dim, dim).ToArray();
        }

        return rows;
    }

    /// <summary>Token counts ([CLS] and [SEP] included) of each sentence, as the pipeline's tokenizer makes them.</summary>
    public long[] TokenCounts(IReadOnlyList<string> sentences)
    {
        using var tokens = new ProcessorContext("tokenize", new Dictionary<string, Tensor>(StringComparer.Ordinal) { ["text"] = Text("text", sentences) });
        _tokenizer.Run(tokens);
        return MemoryMarshal.Cast<byte, long>(tokens.Outputs["token_count"].Data.Span).ToArray();
    }

    public void Dispose()
    {
        _runOptions.Dispose();
        _session.Dispose();
    }

    // Returns the pool step's context, which owns the embedding until disposed.
    private ProcessorContext Embed(Tensor text)
    {
        using var tokens = new ProcessorContext("tokenize", new Dictionary<string, Tensor>(StringComparer.Ordinal) { ["text"] = text });
        _tokenizer.Run(tokens);
        var ids = tokens.Outputs["input_ids"];
        var mask = tokens.Outputs["attention_mask"];
        var types = tokens.Outputs["token_type_ids"];
        var shape = ids.Shape.ToArray();
        using var idsValue = Long(ids, shape);
        using var maskValue = Long(mask, shape);
        using var typesValue = Long(types, shape);
        using var results = _session.Run(_runOptions, ["input_ids", "attention_mask", "token_type_ids"], [idsValue, maskValue, typesValue], _outputNames);
        var hidden = results[0];
        var hiddenShape = hidden.GetTensorTypeAndShape().Shape;
        // The server's backend copies each output into a pooled buffer too.
        var hiddenBytes = MemoryMarshal.AsBytes(hidden.GetTensorDataAsSpan<float>()).ToArray();
        var pool = new ProcessorContext("pool", new Dictionary<string, Tensor>(StringComparer.Ordinal)
        {
            ["hidden"] = new Tensor("hidden", DataType.Fp32, new TensorShape(hiddenShape), hiddenBytes),
            ["mask"] = new Tensor("attention_mask", DataType.Int64, mask.Shape, mask.Data),
        });
        try
        {
            _pool.Run(pool);
            return pool;
        }
        catch
        {
            pool.Dispose();
            throw;
        }
    }

    // The server's backend pins the pooled memory in place; a copy of a few KB into an array the
    // OrtValue pins is the same within noise (and needs no unsafe code here).
    private static OrtValue Long(Tensor tensor, long[] shape) =>
        OrtValue.CreateTensorValueFromMemory(MemoryMarshal.Cast<byte, long>(tensor.Data.Span).ToArray(), shape);

    // The processor of the pipeline's one step of this kind, with that step's options.
    private static Processor Create(JsonElement config, string kind, string folder)
    {
        var step = config.GetProperty("pipeline").GetProperty("steps").EnumerateArray()
            .Single(s => s.TryGetProperty("processor", out var p) && p.GetString() == kind);
        JsonElement options;
        if (step.TryGetProperty("options", out var given))
        {
            options = given.Clone();
        }
        else
        {
            using var empty = JsonDocument.Parse("{}");
            options = empty.RootElement.Clone();
        }

        var factory = ProcessorRegistry.Find(kind) ?? throw new InvalidOperationException($"Maas.Pipelines has no processor '{kind}'.");
        return factory.Create(new ProcessorOptions(kind, options, [folder]));
    }

    /// <summary>A BYTES tensor [n]: each string as a 4-byte little-endian length and its UTF-8 bytes.</summary>
    private static Tensor Text(string name, IReadOnlyList<string> texts)
    {
        var size = 0;
        foreach (var text in texts)
        {
            size += 4 + Encoding.UTF8.GetByteCount(text);
        }

        var data = new byte[size];
        var offset = 0;
        foreach (var text in texts)
        {
            var length = Encoding.UTF8.GetBytes(text, data.AsSpan(offset + 4));
            BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(offset), length);
            offset += 4 + length;
        }

        return new Tensor(name, DataType.Bytes, TensorShape.Of(texts.Count), data);
    }
}
