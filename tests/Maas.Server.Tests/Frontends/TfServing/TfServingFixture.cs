using Maas.Server.Tests.Support;
using Maas.Tensors;
using Maas.TestModels;

namespace Maas.Server.Tests.Frontends.TfServing;

/// <summary>
/// One in-memory server per test class over generated ONNX models, run by ONNX Runtime:
/// <list type="bullet">
/// <item><c>add</c> v1 (<c>sum</c>) and v2 (<c>sum</c>, <c>product</c>): inputs <c>a</c>, <c>b</c> FP32 [batch,4];</item>
/// <item><c>identity-&lt;type&gt;</c>: <c>x</c> → <c>y</c>, shape [n], for several datatypes;</item>
/// <item><c>small-cnn</c> ([batch,1,28,28] → logits [batch,10]), <c>labelled-cnn</c> (the same with
/// config.json <c>output_labels</c>), <c>mislabelled-cnn</c> (3 labels for 10 classes);</item>
/// <item><c>row-sum</c>: <c>x</c> [batch,3] → <c>y</c> = sum of the row, [batch,1] (a regressor);</item>
/// <item><c>sum-all</c>: <c>x</c> [n] → scalar sum; <c>scalar</c>: scalar identity; <c>fixed</c>: identity [1,3];</item>
/// <item><c>binary-names</c>: <c>data_bytes</c> → <c>out_bytes</c>, strings [n];</item>
/// <item><c>broken</c>: a corrupt file; <c>bad-config</c>: an invalid config.json.</item>
/// </list>
/// </summary>
public sealed class TfServingFixture : IAsyncLifetime
{
    public static readonly string[] CnnLabels = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];

    private static readonly DataType[] IdentityTypes =
        [DataType.Fp32, DataType.Fp64, DataType.Fp16, DataType.Bf16, DataType.Int32, DataType.Int64, DataType.UInt8, DataType.Bool, DataType.Bytes];

    private readonly TestRepository _repository = new();
    private InMemoryServer? _server;

    public HttpClient Client => _server!.Client;

    public static string IdentityModel(DataType type) => ServerFixture.IdentityModel(type);

    public async Task InitializeAsync()
    {
        var labels = string.Join(", ", CnnLabels.Select(l => $"\"{l}\""));
        _repository
            .AddModel("add", 1, TestModelFactory.Add())
            .AddModel("add", 2, TestModelFactory.AddAndMultiply())
            .AddConfig("add", """{"version_policy": {"all": {}}, "labels": {"stable": 1, "canary": 2}}""")
            .AddModel("small-cnn", 1, TestModelFactory.SmallConvNet())
            .AddModel("labelled-cnn", 1, TestModelFactory.SmallConvNet())
            .AddConfig("labelled-cnn", $$"""{"output_labels": [{{labels}}]}""")
            .AddModel("mislabelled-cnn", 1, TestModelFactory.SmallConvNet())
            .AddConfig("mislabelled-cnn", """{"output_labels": ["cat", "dog", "bird"]}""")
            .AddModel("row-sum", 1, RowSum())
            .AddModel("sum-all", 1, SumAll())
            .AddModel("scalar", 1, TestModelFactory.Identity(OnnxElementType.Float))
            .AddModel("fixed", 1, TestModelFactory.Identity(OnnxElementType.Float, 1, 3))
            .AddModel("binary-names", 1, BinaryNames())
            .AddModel("broken", 1, [1, 2, 3, 4, 5, 6, 7, 8])
            .AddModel("bad-config", 1, TestModelFactory.Add())
            .AddConfig("bad-config", """{"output_labels": "cat"}""");
        foreach (var type in IdentityTypes)
        {
            _repository.AddModel(IdentityModel(type), 1, TestModelFactory.Identity(type.OnnxElementType(), "n"));
        }

        _server = await InMemoryServer.StartAsync(_repository.Root);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _repository.Dispose();
    }

    /// <summary><c>y = ReduceSum(x, axis 1, keepdims)</c>: x float [batch,3] → y float [batch,1].</summary>
    private static byte[] RowSum() =>
        new OnnxGraphBuilder("row_sum")
            .AddInput("x", OnnxElementType.Float, "batch", 3)
            .AddOutput("y", OnnxElementType.Float, "batch", 1)
            .AddInitializer("axes", [1L], [1])
            .AddNode("ReduceSum", ["x", "axes"], ["y"], OnnxAttributeValue.Int("keepdims", 1))
            .Build(opset: 13);

    /// <summary><c>y = ReduceSum(x)</c> over everything: x float [n] → y float scalar.</summary>
    private static byte[] SumAll() =>
        new OnnxGraphBuilder("sum_all")
            .AddInput("x", OnnxElementType.Float, "n")
            .AddOutput("y", OnnxElementType.Float)
            .AddNode("ReduceSum", ["x"], ["y"], OnnxAttributeValue.Int("keepdims", 0))
            .Build(opset: 13);

    /// <summary>String identity whose tensor names end in <c>_bytes</c> (TF Serving's "binary" naming rule).</summary>
    private static byte[] BinaryNames() =>
        new OnnxGraphBuilder("binary_names")
            .AddInput("data_bytes", OnnxElementType.String, "n")
            .AddOutput("out_bytes", OnnxElementType.String, "n")
            .AddNode("Identity", ["data_bytes"], ["out_bytes"])
            .Build(opset: 13);
}
