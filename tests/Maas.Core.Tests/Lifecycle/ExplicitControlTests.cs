using System.Text;
using Maas.Core.Lifecycle;
using Maas.Core.Repository;
using Maas.Core.Routing;
using Maas.Core.Tests.Support;
using Maas.Errors;
using Maas.TestModels;
using Microsoft.Extensions.Logging.Abstractions;

namespace Maas.Core.Tests.Lifecycle;

/// <summary>Loading and unloading by request (Triton's repository extension), and warm-up.</summary>
public sealed class ExplicitControlTests
{
    [Fact]
    public async Task LoadAllAsync_WithOnly_LoadsJustThoseModels_AndTheIndexListsTheOthers()
    {
        using var repo = new TestRepository().AddModel("add", 1, TestModelFactory.Add()).AddModel("cnn", 1, TestModelFactory.SmallConvNet());
        using var manager = new ModelManager(repo.Root, [Signatures.KnownModelsBackend()], NullLogger<ModelManager>.Instance);
        await manager.LoadAllAsync(CancellationToken.None, only: ["add"]);

        Assert.NotNull(manager.Find("add"));
        Assert.Null(manager.Find("cnn"));
        Assert.Equal(new RepositoryIndexEntry("cnn", null, null, null), manager.Index().Single(e => e.Name == "cnn"));
    }

    [Fact]
    public async Task LoadModelAsync_WithAConfigOverride_ServesWithIt()
    {
        using var repo = new TestRepository().AddModel("add", 1, TestModelFactory.Add()).AddModel("add", 2, TestModelFactory.AddAndMultiply());
        using var manager = await Repositories.LoadAsync(repo);
        var config = ModelConfigReader.Parse(Encoding.UTF8.GetBytes("""{"version_policy": {"all": {}}, "traffic": {"1": 0, "2": 1}, "labels": {"old": 1}}"""), "override");

        var model = await manager.LoadModelAsync("add", config, CancellationToken.None);

        Assert.Equal([1L, 2L], model.Versions.Select(v => v.Version));
        var router = new ModelRouter(manager);
        using (var old = router.Acquire("add", null, "old"))
        {
            Assert.Equal(1, old.Version.Version);
        }

        using var split = router.Acquire("add", null, routingKey: "x");
        Assert.Equal(2, split.Version.Version);
    }

    [Theory]
    [InlineData("../add")]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData(".hidden")]
    public async Task LoadModelAsync_WithANameThatLeavesTheRepository_IsRefused(string name)
    {
        using var repo = new TestRepository().AddModel("add", 1, TestModelFactory.Add());
        using var manager = await Repositories.LoadAsync(repo);

        var error = await Assert.ThrowsAsync<MaasError>(() => manager.LoadModelAsync(name, null, CancellationToken.None));

        Assert.Equal(MaasErrorCode.InvalidArgument, error.Code);
        Assert.Contains("is not a model name", error.Message);
    }

    [Fact]
    public async Task LoadModelAsync_OfAMissingFolder_IsNotFound_AndOfABrokenModel_SaysWhy()
    {
        using var repo = new TestRepository().AddModel("add", 1, TestModelFactory.Add()).AddModel("broken", 1, Repositories.Garbage());
        using var manager = new ModelManager(repo.Root, [Signatures.KnownModelsBackend()], NullLogger<ModelManager>.Instance);
        await manager.LoadAllAsync(CancellationToken.None, only: []);

        var missing = await Assert.ThrowsAsync<MaasError>(() => manager.LoadModelAsync("nope", null, CancellationToken.None));
        var broken = await Assert.ThrowsAsync<MaasError>(() => manager.LoadModelAsync("broken", null, CancellationToken.None));

        Assert.Equal(MaasErrorCode.NotFound, missing.Code);
        Assert.Equal(MaasErrorCode.Unavailable, broken.Code);
        Assert.Contains("failed to load", broken.Message);
        Assert.Contains("corrupt", broken.Message);
    }

    [Fact]
    public async Task UnloadModelAsync_RefusesNewRequests_ReleasesTheEngine_AndLoadBringsItBack()
    {
        var backend = Signatures.KnownModelsBackend();
        using var repo = new TestRepository().AddModel("add", 1, TestModelFactory.Add());
        using var manager = await Repositories.LoadAsync(repo, backend);
        var router = new ModelRouter(manager);

        await manager.UnloadModelAsync("add", CancellationToken.None);

        var error = Assert.Throws<MaasError>(() => router.Acquire("add", null));
        Assert.Equal(MaasErrorCode.Unavailable, error.Code);
        Assert.Contains("unloaded by request", error.Message);
        Assert.True(Assert.Single(backend.Models).IsDisposed);
        Assert.Equal(ModelVersionState.Unavailable, Assert.Single(manager.Index()).State);

        await manager.LoadModelAsync("add", null, CancellationToken.None);
        using var lease = router.Acquire("add", null);
        Assert.Equal(1, lease.Version.Version);
    }

    [Fact]
    public async Task UnloadModelAsync_OfAnUnknownModel_IsNotFound()
    {
        using var repo = new TestRepository().AddModel("add", 1, TestModelFactory.Add());
        using var manager = await Repositories.LoadAsync(repo);

        var error = await Assert.ThrowsAsync<MaasError>(() => manager.UnloadModelAsync("nope", CancellationToken.None));

        Assert.Equal(MaasErrorCode.NotFound, error.Code);
    }

    [Fact]
    public async Task RepeatedLoadAndUnload_ReleasesEveryEngineButTheServingOne()
    {
        var backend = Signatures.KnownModelsBackend();
        using var repo = new TestRepository().AddModel("add", 1, TestModelFactory.Add());
        using var manager = await Repositories.LoadAsync(repo, backend);

        for (var i = 0; i < 20; i++)
        {
            await manager.UnloadModelAsync("add", CancellationToken.None);
            await manager.LoadModelAsync("add", null, CancellationToken.None);
        }

        Assert.Equal(21, backend.Models.Count);
        Assert.Equal(20, backend.Models.Count(m => m.IsDisposed));
        Assert.All(backend.Models.Where(m => m.IsDisposed), m => Assert.All(m.Instances, i => Assert.True(i.IsDisposed)));
    }

    [Fact]
    public async Task Warmup_RunsBeforeTheVersionTakesTraffic()
    {
        var backend = Signatures.KnownModelsBackend();
        using var repo = new TestRepository()
            .AddModel("add", 1, TestModelFactory.Add())
            .AddConfig("add", """{"warmup": {"runs": 3, "inputs": {"a": [1.5]}}}""");
        using var manager = await Repositories.LoadAsync(repo, backend);

        Assert.Equal(ModelVersionState.Ready, manager.Find("add")!.Versions[0].State);
        Assert.Equal(3, Assert.Single(Assert.Single(backend.Models).Instances).Runs);
    }

    [Theory]
    [InlineData("""{"warmup": {"inputs": {"c": [1]}}}""", "warmup.inputs names 'c', which is not an input of model 'add'")]
    [InlineData("""{"warmup": {"inputs": {"a": [1, 2]}}}""", "warmup.inputs.a has 2 values, but its shape [1,4] holds 4")]
    [InlineData("""{"warmup": {"inputs": {"a": ["x"]}}}""", "takes numbers, not strings")]
    public async Task Warmup_ThatCannotRun_FailsTheLoad(string config, string fragment)
    {
        using var repo = new TestRepository().AddModel("add", 1, TestModelFactory.Add()).AddConfig("add", config);
        using var manager = await Repositories.LoadAsync(repo);

        var version = manager.Find("add")!.Versions[0];
        Assert.Equal(ModelVersionState.Unavailable, version.State);
        Assert.Contains(fragment, version.Reason);
    }
}
