using Maas.Errors;
using Maas.Optimization.Inspection;
using Maas.Optimization.Onnx;
using Maas.Optimization.Onnx.Proto;
using Maas.Optimization.Quantization;
using Maas.Optimization.Tests.Support;
using Maas.TestModels;

namespace Maas.Optimization.Tests.Onnx;

public class ExternalDataTests
{
    /// <summary>SmallConvNet with fc.weight moved to "weights.bin" at offset 16, as exporters do for large models.</summary>
    private static string WriteWithExternalWeights(TempFolder folder, bool writeDataFile = true)
    {
        var model = OnnxModelFile.Parse(TestModelFactory.SmallConvNet());
        var tensor = model.Graph.Initializer.Single(t => t.Name == "fc.weight");
        var raw = tensor.RawData.ToByteArray();
        if (writeDataFile)
        {
            File.WriteAllBytes(folder.File("weights.bin"), [.. new byte[16], .. raw]);
        }

        tensor.ClearRawData();
        tensor.DataLocation = ExternalData.ExternalLocation;
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "weights.bin" });
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = "16" });
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = raw.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var path = folder.File("model.onnx");
        OnnxModelFile.Write(model, path);
        return path;
    }

    [Fact]
    public void Load_ReadsTheBytesAtTheOffsetAndClearsTheReference()
    {
        using var folder = new TempFolder();
        var path = WriteWithExternalWeights(folder);
        var model = OnnxModelFile.Read(path);
        Assert.Single(ExternalData.ExternalTensors(model));

        var loaded = ExternalData.Load(model, folder.Path);

        Assert.Equal(1, loaded);
        Assert.Empty(ExternalData.ExternalTensors(model));
        var expected = OnnxModelFile.Parse(TestModelFactory.SmallConvNet()).Graph.Initializer.Single(t => t.Name == "fc.weight").RawData;
        Assert.Equal(expected, model.Graph.Initializer.Single(t => t.Name == "fc.weight").RawData);
    }

    [Fact]
    public void Inspect_ModelWithExternalData_CountsItsParametersWithoutReadingThem()
    {
        using var folder = new TempFolder();
        var path = WriteWithExternalWeights(folder, writeDataFile: false);

        var report = ModelInspector.Inspect(path, new Dictionary<string, long[]>());

        Assert.Equal(426, report.ParameterCount);
        Assert.Equal(254_096, report.TotalMacs);
    }

    [Fact]
    public void Quantize_WhenTheExternalFileIsMissing_IsNotFoundNamingIt()
    {
        using var folder = new TempFolder();
        var path = WriteWithExternalWeights(folder, writeDataFile: false);

        var error = Assert.Throws<MaasError>(() => ModelQuantizer.QuantizeFile(path, folder.File("out.onnx"), new QuantizationOptions()));

        Assert.Equal(MaasErrorCode.NotFound, error.Code);
        Assert.Contains("weights.bin", error.Message);
        Assert.Contains("fc.weight", error.Message);
    }

    [Fact]
    public void Quantize_ModelWithExternalData_WritesASelfContainedModel()
    {
        using var folder = new TempFolder();
        var path = WriteWithExternalWeights(folder);
        var output = folder.File("quantized.onnx");

        var result = ModelQuantizer.QuantizeFile(path, output, new QuantizationOptions());

        Assert.Contains("/fc/Gemm", result.QuantizedNodes);
        Assert.Empty(ExternalData.ExternalTensors(OnnxModelFile.Read(output)));
    }
}
