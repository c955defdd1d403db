using Maas.Pipelines.Processors;
using Maas.Pipelines.Processors.Text;
using Maas.TestModels;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using static Maas.Pipelines.Tests.Text.TextSteps;

namespace Maas.Pipelines.Tests.Text;

/// <summary>wordpiece_tokenizer -> all-MiniLM-L6-v2 (ONNX Runtime) -> mean_pool, against sentence-transformers' numbers.</summary>
public sealed class MiniLmEmbeddingTests : IDisposable
{
    private readonly InferenceSession _session = new(RepoPaths.DemoModel("minilm"));
    private readonly Processor _tokenize = Create(new WordPieceTokenizerFactory(), "{}", MiniLmFolder);
    private readonly Processor _pool = Create(new MeanPoolFactory(), "{}");

    public void Dispose() => _session.Dispose();

    [Fact]
    public void Example_sentence_embedding_matches_sentence_transformers()
    {
        var embedding = Embed("This is an example sentence");

        Assert.Equal(384, embedding.Length);
        Assert.Equal(0.067657f, embedding[0], 1e-4f);
        Assert.Equal(0.063496f, embedding[1], 1e-4f);
        Assert.Equal(0.048713f, embedding[2], 1e-4f);
    }

    [Fact]
    public void Padding_in_a_batch_does_not_change_the_embeddings()
    {
        const string Short = "Hi there";
        const string Long = "A much longer sentence, so that the first one needs several padding tokens.";
        var alone = new[] { Embed(Short), Embed(Long) };

        var batch = Embed(Short, Long);

        for (var row = 0; row < 2; row++)
        {
            for (var d = 0; d < 384; d++)
            {
                Assert.Equal(alone[row][d], batch[(row * 384) + d], 1e-5f);
            }
        }
    }

    private float[] Embed(params string[] texts)
    {
        using var tokens = Run(_tokenize, ("text", Strings(texts)));
        var shape = ShapeOf(tokens, "input_ids");
        var dims = new[] { (int)shape[0], (int)shape[1] };
        var inputs = new List<NamedOnnxValue>();
        foreach (var name in _session.InputMetadata.Keys)
        {
            inputs.Add(NamedOnnxValue.CreateFromTensor(name, new DenseTensor<long>(LongsOf(tokens, name), dims)));
        }

        using var results = _session.Run(inputs);
        var hidden = results.First(r => r.Name == "last_hidden_state").AsTensor<float>();
        var hiddenTensor = Floats("last_hidden_state", hidden.ToArray(), [.. hidden.Dimensions.ToArray().Select(d => (long)d)]);
        using var pooled = Run(_pool, ("hidden", hiddenTensor), ("mask", tokens.Outputs["attention_mask"]));
        return FloatsOf(pooled, "embedding");
    }
}
