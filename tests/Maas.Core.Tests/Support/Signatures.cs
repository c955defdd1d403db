using Maas.Models;
using Maas.Tensors;
using Maas.TestModels;

namespace Maas.Core.Tests.Support;

/// <summary>The signatures of the <see cref="TestModelFactory"/> models, as a backend would derive them.</summary>
internal static class Signatures
{
    public static ModelMetadata Add { get; } = new(
        "fake",
        [Fp32("a", -1, 4), Fp32("b", -1, 4)],
        [Fp32("sum", -1, 4)]);

    public static ModelMetadata AddAndMultiply { get; } = new(
        "fake",
        [Fp32("a", -1, 4), Fp32("b", -1, 4)],
        [Fp32("sum", -1, 4), Fp32("product", -1, 4)]);

    public static ModelMetadata SmallConvNet { get; } = new(
        "fake",
        [Fp32("input", -1, 1, 28, 28)],
        [Fp32("logits", -1, 10)]);

    /// <summary>A backend that knows the three generated models.</summary>
    public static FakeBackend KnownModelsBackend(string name = "fake", string fileName = "model.onnx") =>
        new FakeBackend(name, fileName)
            .Knows(TestModelFactory.Add(), Add)
            .Knows(TestModelFactory.AddAndMultiply(), AddAndMultiply)
            .Knows(TestModelFactory.SmallConvNet(), SmallConvNet);

    private static TensorMetadata Fp32(string name, params long[] dims) => new(name, DataType.Fp32, new TensorShape(dims));
}
