namespace Maas.TestModels;

/// <summary>
/// Ready-made ONNX models for tests, benchmarks and the demo repository, returned as file bytes.
/// </summary>
/// <remarks>
/// Each model is deterministic (same bytes every call), so tests can write it to a temp folder and
/// compare results against values computed by hand.
/// </remarks>
public static class TestModelFactory
{
    /// <summary>
    /// <c>y = Identity(x)</c> for any element type, including STRING, FLOAT16 and BFLOAT16.
    /// </summary>
    /// <param name="elementType">An <see cref="OnnxElementType"/> value.</param>
    /// <param name="dims">The shape of <c>x</c> and <c>y</c>; none means a scalar.</param>
    /// <remarks>Opset 13: the first Identity version whose type list includes BFLOAT16.</remarks>
    public static byte[] Identity(int elementType, params OnnxDim[] dims) =>
        new OnnxGraphBuilder("identity")
            .AddInput("x", elementType, dims)
            .AddOutput("y", elementType, dims)
            .AddNode("Identity", ["x"], ["y"])
            .Build(opset: 13);

    /// <summary><c>sum = a + b</c> with <c>a</c>, <c>b</c> float <c>["batch", 4]</c>.</summary>
    public static byte[] Add() =>
        new OnnxGraphBuilder("add")
            .AddInput("a", OnnxElementType.Float, "batch", 4)
            .AddInput("b", OnnxElementType.Float, "batch", 4)
            .AddOutput("sum", OnnxElementType.Float, "batch", 4)
            .AddNode("Add", ["a", "b"], ["sum"])
            .Build();

    /// <summary>
    /// Two outputs from the same inputs, <c>sum = a + b</c> and <c>product = a * b</c>, so tests can
    /// request a subset of outputs.
    /// </summary>
    public static byte[] AddAndMultiply() =>
        new OnnxGraphBuilder("add_and_multiply")
            .AddInput("a", OnnxElementType.Float, "batch", 4)
            .AddInput("b", OnnxElementType.Float, "batch", 4)
            .AddOutput("sum", OnnxElementType.Float, "batch", 4)
            .AddOutput("product", OnnxElementType.Float, "batch", 4)
            .AddNode("Add", ["a", "b"], ["sum"])
            .AddNode("Mul", ["a", "b"], ["product"])
            .Build();

    /// <summary>
    /// A small image classifier shaped like a PyTorch export: <c>input</c> float
    /// <c>["batch", 1, 28, 28]</c> → Conv(1→4, 3×3) → Relu → Conv(4→8, 3×3) → Relu →
    /// GlobalAveragePool → Flatten → Gemm(8→10) → <c>logits</c> float <c>["batch", 10]</c>.
    /// </summary>
    /// <param name="seed">Seeds the weights; the same seed gives the same model bytes.</param>
    /// <remarks>
    /// Weights are uniform in ±1/√fan_in, PyTorch's default initialisation bound, so activations stay
    /// in a realistic range. The weights are random: the logits mean nothing, only the shapes and the
    /// operator mix (and determinism) matter.
    /// </remarks>
    public static byte[] SmallConvNet(int seed = 42)
    {
#pragma warning disable CA5394 // Deterministic test weights, not security.
        var random = new Random(seed);
        float[] Uniform(int count, int fanIn)
        {
            var bound = 1.0 / Math.Sqrt(fanIn);
            var values = new float[count];
            for (var i = 0; i < count; i++)
            {
                values[i] = (float)(((random.NextDouble() * 2.0) - 1.0) * bound);
            }

            return values;
        }
#pragma warning restore CA5394

        OnnxAttributeValue[] Conv3x3() =>
        [
            OnnxAttributeValue.Ints("kernel_shape", 3, 3),
            OnnxAttributeValue.Ints("pads", 1, 1, 1, 1),
            OnnxAttributeValue.Ints("strides", 1, 1),
        ];

        return new OnnxGraphBuilder("small_cnn")
            .AddInput("input", OnnxElementType.Float, "batch", 1, 28, 28)
            .AddOutput("logits", OnnxElementType.Float, "batch", 10)
            .AddInitializer("conv1.weight", Uniform(4 * 1 * 3 * 3, 1 * 3 * 3), [4, 1, 3, 3])
            .AddInitializer("conv1.bias", Uniform(4, 1 * 3 * 3), [4])
            .AddInitializer("conv2.weight", Uniform(8 * 4 * 3 * 3, 4 * 3 * 3), [8, 4, 3, 3])
            .AddInitializer("conv2.bias", Uniform(8, 4 * 3 * 3), [8])
            .AddInitializer("fc.weight", Uniform(10 * 8, 8), [10, 8])
            .AddInitializer("fc.bias", Uniform(10, 8), [10])
            .AddNamedNode("/conv1/Conv", "Conv", ["input", "conv1.weight", "conv1.bias"], ["/conv1/Conv_output_0"], Conv3x3())
            .AddNamedNode("/relu1/Relu", "Relu", ["/conv1/Conv_output_0"], ["/relu1/Relu_output_0"])
            .AddNamedNode("/conv2/Conv", "Conv", ["/relu1/Relu_output_0", "conv2.weight", "conv2.bias"], ["/conv2/Conv_output_0"], Conv3x3())
            .AddNamedNode("/relu2/Relu", "Relu", ["/conv2/Conv_output_0"], ["/relu2/Relu_output_0"])
            .AddNamedNode("/pool/GlobalAveragePool", "GlobalAveragePool", ["/relu2/Relu_output_0"], ["/pool/GlobalAveragePool_output_0"])
            .AddNamedNode("/Flatten", "Flatten", ["/pool/GlobalAveragePool_output_0"], ["/Flatten_output_0"], OnnxAttributeValue.Int("axis", 1))
            .AddNamedNode("/fc/Gemm", "Gemm", ["/Flatten_output_0", "fc.weight", "fc.bias"], ["logits"],
                OnnxAttributeValue.Float("alpha", 1.0f), OnnxAttributeValue.Float("beta", 1.0f), OnnxAttributeValue.Int("transB", 1))
            .Build(opset: 13);
    }

    /// <summary>
    /// A multilayer perceptron shaped like a PyTorch export: <c>input</c> float
    /// <c>["batch", inputs]</c> → Gemm(inputs→hidden) → Relu → Gemm(hidden→outputs) →
    /// <c>logits</c> float <c>["batch", outputs]</c>. The default 784→256→10 is the classic MNIST
    /// MLP: ~200k weights, a few µs per row on one core, so a server's own cost dominates its latency.
    /// </summary>
    /// <param name="inputs">Input features (784: a flattened 28×28 image).</param>
    /// <param name="hidden">Hidden units.</param>
    /// <param name="outputs">Output logits.</param>
    /// <param name="seed">Seeds the weights; the same arguments give the same model bytes.</param>
    /// <remarks>Weights are uniform in ±1/√fan_in (PyTorch's default bound); they mean nothing.</remarks>
    public static byte[] Mlp(int inputs = 784, int hidden = 256, int outputs = 10, int seed = 7)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(hidden, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputs, 1);
#pragma warning disable CA5394 // Deterministic test weights, not security.
        var random = new Random(seed);
        float[] Uniform(int count, int fanIn)
        {
            var bound = 1.0 / Math.Sqrt(fanIn);
            var values = new float[count];
            for (var i = 0; i < count; i++)
            {
                values[i] = (float)(((random.NextDouble() * 2.0) - 1.0) * bound);
            }

            return values;
        }
#pragma warning restore CA5394

        OnnxAttributeValue[] Linear() =>
        [
            OnnxAttributeValue.Float("alpha", 1.0f),
            OnnxAttributeValue.Float("beta", 1.0f),
            OnnxAttributeValue.Int("transB", 1),
        ];

        return new OnnxGraphBuilder("mlp")
            .AddInput("input", OnnxElementType.Float, "batch", inputs)
            .AddOutput("logits", OnnxElementType.Float, "batch", outputs)
            .AddInitializer("fc1.weight", Uniform(hidden * inputs, inputs), [hidden, inputs])
            .AddInitializer("fc1.bias", Uniform(hidden, inputs), [hidden])
            .AddInitializer("fc2.weight", Uniform(outputs * hidden, hidden), [outputs, hidden])
            .AddInitializer("fc2.bias", Uniform(outputs, hidden), [outputs])
            .AddNamedNode("/fc1/Gemm", "Gemm", ["input", "fc1.weight", "fc1.bias"], ["/fc1/Gemm_output_0"], Linear())
            .AddNamedNode("/relu/Relu", "Relu", ["/fc1/Gemm_output_0"], ["/relu/Relu_output_0"])
            .AddNamedNode("/fc2/Gemm", "Gemm", ["/relu/Relu_output_0", "fc2.weight", "fc2.bias"], ["logits"], Linear())
            .Build(opset: 13);
    }
}
