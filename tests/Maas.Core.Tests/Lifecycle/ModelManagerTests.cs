using Maas.Core.Lifecycle;
using Maas.Core.Tests.Support;
using Maas.Errors;
using Maas.Inference;
using Maas.Models;
using Maas.Tensors;
using Maas.TestModels;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging;

namespace Maas.Core.Tests.Lifecycle;

public class ModelManagerTests
{
    [Fact]
    public async Task LoadAllAsync_LoadsEveryVersionOfEveryModel()
    {
        using var repo = new TestRepository()
            .AddConfig("add", Repositories.AllVersions)
            .AddModel("add", 1, TestModelFactory.Add())
            .AddModel("add", 2, TestModelFactory.AddAndMultiply())
            .AddModel("small-cnn", 1, TestModelFactory.SmallConvNet());
        using var manager = new ModelManager(repo.Root, [Signatures.KnownModelsBackend()], NullLogger<ModelManager>.Instance);
        Assert.False(manager.StartupComplete);
        Assert.Empty(manager.Models);

        await manager.LoadAllAsync(CancellationToken.None);

        Assert.True(manager.StartupComplete);
        Assert.Equal(["add", "small-cnn"], manager.Models.Keys.Order(StringComparer.Ordinal));
        var add = manager.Find("add")!;
        Assert.True(add.IsFullyReady);
        Assert.Null(add.Error);
        Assert.Equal([1L, 2L], add.Versions.Select(v => v.Version));
        Assert.All(add.Versions, v => Assert.Equal(ModelVersionState.Ready, v.State));
        Assert.Equal(Signatures.Add, add.Versions[0].Metadata);
        Assert.Equal(Signatures.AddAndMultiply, add.Versions[1].Metadata);
        Assert.Equal(Signatures.SmallConvNet, manager.Find("small-cnn")!.Versions[0].Metadata);
    }

    [Fact]
    public async Task LoadAllAsync_PassesNamesVersionsPathsAndEngineOptionsToTheBackend()
    {
        using var repo = new TestRepository()
            .AddConfig("add", """{ "engine": { "intra_op_threads": 2, "inter_op_threads": 3, "graph_optimization_level": "basic" } }""")
            .AddModel("add", 4, TestModelFactory.Add());
        var backend = Signatures.KnownModelsBackend();

        using var manager = await Repositories.LoadAsync(repo, backend);

        var load = Assert.Single(backend.Loads);
        Assert.Equal("add", load.ModelName);
        Assert.Equal(4, load.Version);
        Assert.Equal(repo.PathOf("add", "4", "model.onnx"), load.ModelPath);
        Assert.Equal(new EngineOptions { IntraOpThreads = 2, InterOpThreads = 3, GraphOptimizationLevel = GraphOptimizationLevel.Basic }, load.Engine);
        Assert.Equal(load.Engine, manager.Find("add")!.Versions[0].Config.Engine);
    }

    [Fact]
    public async Task LoadAllAsync_WhenAModelFileIsCorrupt_MarksOnlyThatVersionUnavailableWithItsReason()
    {
        using var repo = new TestRepository()
            .AddConfig("add", Repositories.AllVersions)
            .AddModel("add", 1, TestModelFactory.Add())
            .AddModel("add", 2, Repositories.Garbage())
            .AddModel("small-cnn", 1, TestModelFactory.SmallConvNet());

        using var manager = await Repositories.LoadAsync(repo);

        var add = manager.Find("add")!;
        Assert.Null(add.Error);
        Assert.False(add.IsFullyReady);
        Assert.Equal(ModelVersionState.Ready, add.Versions[0].State);
        var broken = add.Versions[1];
        Assert.Equal(ModelVersionState.Unavailable, broken.State);
        Assert.Null(broken.Metadata);
        Assert.Contains(repo.PathOf("add", "2", "model.onnx"), broken.Reason);
        Assert.Contains("corrupt", broken.Reason);
        Assert.True(manager.Find("small-cnn")!.IsFullyReady);
    }

    [Fact]
    public async Task LoadAllAsync_WhenAModelFileIsTruncated_MarksThatVersionUnavailable()
    {
        var add = TestModelFactory.Add();
        using var repo = new TestRepository().AddModel("add", 1, add[..(add.Length / 2)]);

        using var manager = await Repositories.LoadAsync(repo);

        var version = Assert.Single(manager.Find("add")!.Versions);
        Assert.Equal(ModelVersionState.Unavailable, version.State);
        Assert.Contains(repo.PathOf("add", "1", "model.onnx"), version.Reason);
    }

    [Fact]
    public async Task LoadAllAsync_WhenConfigIsInvalid_MakesOnlyThatModelUnavailableWithTheReason()
    {
        using var repo = new TestRepository()
            .AddConfig("broken", """{ "engine": { "intra_op_thread": 1 } }""")
            .AddModel("broken", 1, TestModelFactory.Add())
            .AddModel("add", 1, TestModelFactory.Add());
        var backend = Signatures.KnownModelsBackend();

        using var manager = await Repositories.LoadAsync(repo, backend);

        var broken = manager.Find("broken")!;
        Assert.NotNull(broken.Error);
        Assert.Contains(repo.PathOf("broken", "config.json"), broken.Error);
        Assert.Contains("unknown field 'engine.intra_op_thread'", broken.Error);
        Assert.Null(broken.Config);
        Assert.Empty(broken.Versions);
        Assert.False(broken.IsFullyReady);
        Assert.True(manager.Find("add")!.IsFullyReady);
        Assert.DoesNotContain(backend.Loads, l => l.ModelName == "broken");
    }

    [Fact]
    public async Task LoadAllAsync_WhenConfigIsNotJson_MakesOnlyThatModelUnavailable()
    {
        using var repo = new TestRepository()
            .AddConfig("broken", "{ backend: onnxruntime")
            .AddModel("broken", 1, TestModelFactory.Add())
            .AddModel("add", 1, TestModelFactory.Add());

        using var manager = await Repositories.LoadAsync(repo);

        Assert.Contains("not valid JSON", manager.Find("broken")!.Error);
        Assert.True(manager.Find("add")!.IsFullyReady);
    }

    [Fact]
    public async Task LoadAllAsync_WhenModelFolderHasNoVersions_MakesOnlyThatModelUnavailableWithTheFix()
    {
        using var repo = new TestRepository()
            .AddFolder("empty/latest")
            .AddModel("add", 1, TestModelFactory.Add());

        using var manager = await Repositories.LoadAsync(repo);

        var empty = manager.Find("empty")!;
        Assert.Equal($"no version folders in {repo.PathOf("empty")}; put the model file in a numbered folder such as {repo.PathOf("empty", "1")}", empty.Error);
        Assert.NotNull(empty.Config);
        Assert.Empty(empty.Versions);
        Assert.True(manager.Find("add")!.IsFullyReady);
    }

    [Fact]
    public async Task LoadAllAsync_WhenVersionFolderHasNoModelFile_SaysWhichFilesItLookedFor()
    {
        using var repo = new TestRepository()
            .AddConfig("add", Repositories.AllVersions)
            .AddFile("add/1/weights.bin", "not a model")
            .AddModel("add", 2, TestModelFactory.Add());

        using var manager = await Repositories.LoadAsync(repo, Signatures.KnownModelsBackend(), new FakeBackend("llama", "model.gguf"));

        var add = manager.Find("add")!;
        Assert.Equal(ModelVersionState.Unavailable, add.Versions[0].State);
        Assert.Equal($"no model file in {repo.PathOf("add", "1")}; expected one of: model.onnx, model.gguf (or a 'pipeline' in config.json)", add.Versions[0].Reason);
        Assert.Equal(ModelVersionState.Ready, add.Versions[1].State);
    }

    [Fact]
    public async Task LoadAllAsync_WithoutConfig_ChoosesTheBackendWhoseFileIsPresent()
    {
        var onnx = Signatures.KnownModelsBackend("onnx", "model.onnx");
        var llama = Signatures.KnownModelsBackend("llama", "model.gguf");
        using var repo = new TestRepository()
            .AddModel("tensor", 1, TestModelFactory.Add(), "model.onnx")
            .AddModel("text", 1, TestModelFactory.Add(), "model.gguf");

        using var manager = await Repositories.LoadAsync(repo, onnx, llama);

        Assert.Equal(["tensor"], onnx.Loads.Select(l => l.ModelName));
        Assert.Equal(["text"], llama.Loads.Select(l => l.ModelName));
        Assert.True(manager.Find("text")!.IsFullyReady);
    }

    [Fact]
    public async Task LoadAllAsync_WhenConfigNamesABackend_UsesIt()
    {
        var onnx = Signatures.KnownModelsBackend("onnx", "model.onnx");
        var other = Signatures.KnownModelsBackend("other", "model.onnx");
        using var repo = new TestRepository()
            .AddConfig("add", """{ "backend": "other" }""")
            .AddModel("add", 1, TestModelFactory.Add());

        using var manager = await Repositories.LoadAsync(repo, onnx, other);

        Assert.Empty(onnx.Loads);
        Assert.Single(other.Loads);
        Assert.True(manager.Find("add")!.IsFullyReady);
    }

    [Fact]
    public async Task LoadAllAsync_WhenConfigNamesAnUnknownBackend_ListsTheAvailableOnes()
    {
        using var repo = new TestRepository()
            .AddConfig("add", """{ "backend": "tensorrt" }""")
            .AddModel("add", 1, TestModelFactory.Add());

        using var manager = await Repositories.LoadAsync(repo, Signatures.KnownModelsBackend("onnxruntime"), new FakeBackend("llama", "model.gguf"));

        var version = Assert.Single(manager.Find("add")!.Versions);
        Assert.Equal(ModelVersionState.Unavailable, version.State);
        Assert.Equal("config.json names backend 'tensorrt', which this server does not have; available: onnxruntime, llama", version.Reason);
    }

    [Fact]
    public async Task LoadAllAsync_WhenConfigNamesABackendWhoseFileIsMissing_NamesTheExpectedFile()
    {
        using var repo = new TestRepository()
            .AddConfig("add", """{ "backend": "llama" }""")
            .AddModel("add", 1, TestModelFactory.Add());

        using var manager = await Repositories.LoadAsync(repo, Signatures.KnownModelsBackend(), new FakeBackend("llama", "model.gguf"));

        var version = Assert.Single(manager.Find("add")!.Versions);
        Assert.Equal($"{repo.PathOf("add", "1", "model.gguf")} does not exist; the 'llama' backend reads model.gguf from each version folder", version.Reason);
    }

    [Fact]
    public async Task LoadAllAsync_WhenTheEngineThrowsAnUnexpectedException_MarksTheVersionUnavailable()
    {
        var crashing = new FakeBackend("crashing", "model.bin") { LoadFailure = () => new InvalidOperationException("engine bug") };
        using var repo = new TestRepository()
            .AddModel("crash", 1, [1, 2, 3], "model.bin")
            .AddModel("add", 1, TestModelFactory.Add());

        using var manager = await Repositories.LoadAsync(repo, Signatures.KnownModelsBackend(), crashing);

        var version = Assert.Single(manager.Find("crash")!.Versions);
        Assert.Equal(ModelVersionState.Unavailable, version.State);
        Assert.Equal("engine bug", version.Reason);
        Assert.True(manager.Find("add")!.IsFullyReady);
    }

    [Fact]
    public async Task LoadAllAsync_WhenCreatingTheInstanceFails_DisposesTheLoadedModel()
    {
        var backend = Signatures.KnownModelsBackend();
        backend.CreateInstanceFailure = () => new InvalidOperationException("no memory for a session");
        using var repo = new TestRepository().AddModel("add", 1, TestModelFactory.Add());

        using var manager = await Repositories.LoadAsync(repo, backend);

        var version = Assert.Single(manager.Find("add")!.Versions);
        Assert.Equal(ModelVersionState.Unavailable, version.State);
        Assert.Equal("no memory for a session", version.Reason);
        Assert.True(Assert.Single(backend.Models).IsDisposed);
    }

    [Fact]
    public async Task LoadAllAsync_WhenRepositoryIsMissing_ThrowsNotFound()
    {
        using var repo = new TestRepository();
        using var manager = new ModelManager(repo.PathOf("missing"), [Signatures.KnownModelsBackend()], NullLogger<ModelManager>.Instance);

        var error = await Assert.ThrowsAsync<MaasError>(() => manager.LoadAllAsync(CancellationToken.None));

        Assert.Equal(MaasErrorCode.NotFound, error.Code);
        Assert.Contains(repo.PathOf("missing"), error.Message);
        Assert.False(manager.StartupComplete);
    }

    [Fact]
    public async Task LoadAllAsync_WhenRepositoryIsEmpty_CompletesWithNoModels()
    {
        using var repo = new TestRepository();

        using var manager = await Repositories.LoadAsync(repo);

        Assert.True(manager.StartupComplete);
        Assert.Empty(manager.Models);
    }

    [Fact]
    public async Task LoadAllAsync_WhenCancelled_ThrowsAndDoesNotCompleteStartup()
    {
        using var repo = new TestRepository().AddModel("add", 1, TestModelFactory.Add());
        using var manager = new ModelManager(repo.Root, [Signatures.KnownModelsBackend()], NullLogger<ModelManager>.Instance);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => manager.LoadAllAsync(new CancellationToken(canceled: true)));

        Assert.False(manager.StartupComplete);
        Assert.Empty(manager.Models);
    }

    [Fact]
    public async Task LoadAllAsync_LogsEachFailureWithItsReason()
    {
        using var repo = new TestRepository()
            .AddModel("add", 1, Repositories.Garbage())
            .AddFolder("empty");
        var logger = new ListLogger<ModelManager>();
        using var manager = new ModelManager(repo.Root, [Signatures.KnownModelsBackend()], logger);

        await manager.LoadAllAsync(CancellationToken.None);

        var versionFailed = Assert.Single(logger.Entries, e => e.EventId.Id == 1002);
        Assert.Equal(LogLevel.Error, versionFailed.Level);
        Assert.Contains("Model add version 1 failed to load", versionFailed.Message);
        Assert.Contains(repo.PathOf("add", "1", "model.onnx"), versionFailed.Message);
        var modelFailed = Assert.Single(logger.Entries, e => e.EventId.Id == 1003);
        Assert.Contains("Model empty cannot be served: no version folders", modelFailed.Message);
        Assert.Contains(logger.Entries, e => e.EventId.Id == 1004 && e.Message == "Repository loaded: 0 of 2 model(s) fully ready");
    }

    [Fact]
    public async Task Dispose_ReleasesEveryInstanceAndModel()
    {
        var backend = Signatures.KnownModelsBackend();
        using var repo = new TestRepository()
            .AddConfig("add", Repositories.AllVersions)
            .AddModel("add", 1, TestModelFactory.Add())
            .AddModel("add", 2, TestModelFactory.Add())
            .AddModel("small-cnn", 1, TestModelFactory.SmallConvNet());
        var manager = await Repositories.LoadAsync(repo, backend);
        var versions = manager.Models.Values.SelectMany(m => m.Versions).ToArray();

        manager.Dispose();

        Assert.Equal(3, backend.Models.Count);
        Assert.All(backend.Models, m => Assert.True(m.IsDisposed));
        Assert.All(backend.Models, m => Assert.True(Assert.Single(m.Instances).IsDisposed));
        Assert.All(versions, v => Assert.Equal(ModelVersionState.Unavailable, v.State));
        Assert.All(versions, v => Assert.Equal("unloaded", v.Reason));
        Assert.Empty(manager.Models);
    }

    [Fact]
    public async Task Infer_RunsTheValidatedRequestAndEchoesTheId()
    {
        var backend = Signatures.KnownModelsBackend();
        using var repo = new TestRepository().AddModel("add", 3, TestModelFactory.AddAndMultiply());
        using var manager = await Repositories.LoadAsync(repo, backend);
        var version = manager.Find("add")!.Versions[0];
        using var request = new InferenceRequest("add") { Id = "req-1", Outputs = [new RequestedOutput("product")] };
        request.Inputs.Add(new Tensor("a", DataType.Fp32, TensorShape.Of(1, 4), new byte[16]));
        request.Inputs.Add(new Tensor("b", DataType.Fp32, TensorShape.Of(1, 4), new byte[16]));

        using var response = await version.InferAsync(request, CancellationToken.None);

        Assert.Equal("req-1", response.Id);
        Assert.Equal("3", response.ModelVersion);
        Assert.Equal(["product"], response.Outputs.Select(o => o.Name));
        var instance = Assert.Single(Assert.Single(backend.Models).Instances);
        Assert.Equal(["product"], instance.LastOutputNames);
    }

    [Fact]
    public async Task Infer_WhenRequestIsInvalid_RejectsItBeforeTheEngineRuns()
    {
        var backend = Signatures.KnownModelsBackend();
        using var repo = new TestRepository().AddModel("add", 1, TestModelFactory.Add());
        using var manager = await Repositories.LoadAsync(repo, backend);
        using var request = new InferenceRequest("add");
        request.Inputs.Add(new Tensor("a", DataType.Fp32, TensorShape.Of(1, 4), new byte[16]));

        var error = await Assert.ThrowsAsync<MaasError>(() => manager.Find("add")!.Versions[0].InferAsync(request, CancellationToken.None));

        Assert.Equal(MaasErrorCode.InvalidArgument, error.Code);
        Assert.Contains("'b'", error.Message);
        Assert.Equal(0, Assert.Single(Assert.Single(backend.Models).Instances).Runs);
    }

    [Fact]
    public async Task Infer_WhenVersionFailedToLoad_ThrowsUnavailableWithTheReason()
    {
        using var repo = new TestRepository().AddModel("add", 1, Repositories.Garbage());
        using var manager = await Repositories.LoadAsync(repo);
        using var request = new InferenceRequest("add");

        var error = await Assert.ThrowsAsync<MaasError>(() => manager.Find("add")!.Versions[0].InferAsync(request, CancellationToken.None));

        Assert.Equal(MaasErrorCode.Unavailable, error.Code);
        Assert.Contains("Model 'add' version 1 is not ready (Unavailable: ", error.Message);
        Assert.Contains("corrupt", error.Message);
    }
}
