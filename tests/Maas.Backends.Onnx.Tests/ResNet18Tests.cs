using Maas.Models;
using Maas.Tensors;
using Maas.TestModels;
using static Maas.Backends.Onnx.Tests.Support.TestTensors;

namespace Maas.Backends.Onnx.Tests;

/// <summary>
/// A real, old-opset model (ResNet18 featurizer from NuGet, fetched by scripts/fetch-models.sh):
/// what the generated test models cannot show about real exporters.
/// </summary>
public class ResNet18Tests
{
    private static string ModelPath()
    {
        var path = Path.Combine(RepoPaths.Root, ".models", "repository", "resnet18", "1", "model.onnx");
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"{path} is missing: run scripts/fetch-models.sh first (it is idempotent).", path);
    }

    [Fact]
    public void Load_ResNet18_DerivesItsSignature()
    {
        using var model = new OnnxBackend().Load(new ModelLoadContext("resnet18", 1, ModelPath(), new EngineOptions()));

        Assert.Equal(new TensorMetadata("Input247", DataType.Fp32, TensorShape.Of(1, 3, 224, 224)), Assert.Single(model.Metadata.Inputs));
        Assert.Equal(new TensorMetadata("Pooling395_Output_0", DataType.Fp32, TensorShape.Of(1, 512, 1, 1)), Assert.Single(model.Metadata.Outputs));
    }

    [Fact]
    public void Run_ResNet18_ProducesFiveHundredTwelvePooledFeatures()
    {
        using var model = new OnnxBackend().Load(new ModelLoadContext("resnet18", 1, ModelPath(), new EngineOptions()));
        using var instance = model.CreateInstance();
        var image = new float[3 * 224 * 224];
        for (var i = 0; i < image.Length; i++)
        {
            // A smooth gradient with some texture, in the 0-255 pixel range the featurizer takes.
            image[i] = ((i % 224) + ((i / 224) % 224) + ((i * 31) % 17)) % 256;
        }

        using var request = Request("resnet18", Fp32("Input247", [1, 3, 224, 224], image));

        using var response = instance.Run(request, ["Pooling395_Output_0"], "1", CancellationToken.None);

        var features = Assert.Single(response.Outputs);
        Assert.Equal(TensorShape.Of(1, 512, 1, 1), features.Shape);
        var values = AsFloats(features);
        Assert.Equal(512, values.Length);
        // Global average pooling after a ReLU: every feature is finite and non-negative, and a
        // textured image activates some of them.
        Assert.All(values, v => Assert.True(float.IsFinite(v) && v >= 0, $"feature {v}"));
        Assert.Contains(values, v => v > 0);
    }
}
