using Maas.Backends.Onnx.Tests.Support;
using Maas.Errors;
using Maas.Models;
using Maas.TestModels;
using static Maas.Backends.Onnx.Tests.Support.TestTensors;

namespace Maas.Backends.Onnx.Tests;

public class OnnxBackendTests
{
    [Fact]
    public void Backend_IsNamedOnnxRuntimeAndReadsModelOnnx()
    {
        var backend = new OnnxBackend();

        Assert.Equal("onnxruntime", backend.Name);
        Assert.Equal("model.onnx", backend.ModelFileName);
    }

    [Fact]
    public void Load_WhenFileIsMissing_ThrowsNotFoundNamingThePath()
    {
        var folder = TempModel.NewFolder();
        try
        {
            var path = Path.Combine(folder, "model.onnx");

            var error = Assert.Throws<MaasError>(() => new OnnxBackend().Load(new ModelLoadContext("add", 1, path, new EngineOptions())));

            Assert.Equal(MaasErrorCode.NotFound, error.Code);
            Assert.Equal($"{path} does not exist.", error.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    public static TheoryData<string, byte[]> CorruptFiles()
    {
        var random = new byte[4096];
#pragma warning disable CA5394 // Deterministic test data, not security.
        new Random(1234).NextBytes(random);
#pragma warning restore CA5394
        var add = TestModelFactory.Add();
        return new()
        {
            { "random bytes", random },
            { "empty file", [] },
            { "truncated model", add[..(add.Length / 2)] },
            { "text", "this is not an ONNX model"u8.ToArray() },
        };
    }

    [Theory]
    [MemberData(nameof(CorruptFiles))]
    public void Load_WhenFileIsCorrupt_ThrowsMaasErrorNamingThePath(string what, byte[] content)
    {
        _ = what;
        var folder = TempModel.NewFolder();
        try
        {
            var path = Path.Combine(folder, "model.onnx");
            File.WriteAllBytes(path, content);

            var error = Assert.Throws<MaasError>(() => new OnnxBackend().Load(new ModelLoadContext("add", 1, path, new EngineOptions())));

            Assert.Equal(MaasErrorCode.InvalidArgument, error.Code);
            Assert.StartsWith($"ONNX Runtime cannot load {path}: ", error.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Load_WhenContextIsNull_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => new OnnxBackend().Load(null!));
    }

    public static TheoryData<int, int, GraphOptimizationLevel> EngineOptionSets => new()
    {
        { 0, 0, GraphOptimizationLevel.All },
        { 1, 1, GraphOptimizationLevel.Disabled },
        { 2, 1, GraphOptimizationLevel.Basic },
        { 1, 2, GraphOptimizationLevel.Extended },
        { 2, 2, GraphOptimizationLevel.All },
    };

    [Theory]
    [MemberData(nameof(EngineOptionSets))]
    public void Load_AcceptsEngineOptionsAndGivesTheSameResults(int intraOpThreads, int interOpThreads, GraphOptimizationLevel level)
    {
        var engine = new EngineOptions { IntraOpThreads = intraOpThreads, InterOpThreads = interOpThreads, GraphOptimizationLevel = level };
        var image = new float[28 * 28];
        for (var i = 0; i < image.Length; i++)
        {
            image[i] = ((i * 7) % 13) / 13f;
        }

        float[] Logits(EngineOptions options)
        {
            using var loaded = TempModel.Load(TestModelFactory.SmallConvNet(), options, "cnn");
            using var instance = loaded.Model.CreateInstance();
            using var request = Request("cnn", Fp32("input", [1, 1, 28, 28], image));
            using var response = instance.Run(request, ["logits"], "1", CancellationToken.None);
            return AsFloats(response.Outputs[0]);
        }

        var expected = Logits(new EngineOptions { GraphOptimizationLevel = GraphOptimizationLevel.Disabled });
        var actual = Logits(engine);

        Assert.Equal(10, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], 1e-5f);
        }
    }
}
