using Maas.Backends.Onnx.Tests.Support;
using Maas.TestModels;
using static Maas.Backends.Onnx.Tests.Support.TestTensors;

namespace Maas.Backends.Onnx.Tests;

public class OnnxModelTests
{
    [Fact]
    public void CreateInstance_CalledAgain_GivesAnotherWorkingInstance()
    {
        using var loaded = TempModel.Load(TestModelFactory.Add(), name: "add");

        using var first = loaded.Model.CreateInstance();
        using var second = loaded.Model.CreateInstance();

        Assert.NotSame(first, second);
        using var request = Request("add", Fp32("a", [1, 4], 1, 2, 3, 4), Fp32("b", [1, 4], 1, 1, 1, 1));
        using var fromFirst = first.Run(request, ["sum"], "1", CancellationToken.None);
        using var fromSecond = second.Run(request, ["sum"], "1", CancellationToken.None);
        Assert.Equal([2f, 3, 4, 5], AsFloats(fromFirst.Outputs[0]));
        Assert.Equal([2f, 3, 4, 5], AsFloats(fromSecond.Outputs[0]));
    }

    [Fact]
    public void Instance_OutlivesTheModelThatCreatedIt()
    {
        using var loaded = TempModel.Load(TestModelFactory.Add(), name: "add");
        using var instance = loaded.Model.CreateInstance();

        loaded.Model.Dispose();

        using var request = Request("add", Fp32("a", [1, 4], 1, 2, 3, 4), Fp32("b", [1, 4], 1, 1, 1, 1));
        using var response = instance.Run(request, ["sum"], "1", CancellationToken.None);
        Assert.Equal([2f, 3, 4, 5], AsFloats(response.Outputs[0]));
    }

    [Fact]
    public void Dispose_BeforeAnyInstance_ReleasesTheLoadSessionAndIsIdempotent()
    {
        using var loaded = TempModel.Load(TestModelFactory.Add(), name: "add");

        loaded.Model.Dispose();
        var error = Record.Exception(loaded.Model.Dispose);

        Assert.Null(error);
    }
}
