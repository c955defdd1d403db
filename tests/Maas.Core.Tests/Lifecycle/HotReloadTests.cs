using Maas.Core.Lifecycle;
using Maas.Core.Routing;
using Maas.Core.Tests.Support;
using Maas.Errors;
using Maas.TestModels;

namespace Maas.Core.Tests.Lifecycle;

/// <summary>
/// Changes to the repository while the server runs, applied by <see cref="ModelManager.PollAsync"/>:
/// a change applies once it has held still for one poll (here: two polls in a row).
/// </summary>
public sealed class HotReloadTests
{
    private static async Task SettleAsync(ModelManager manager)
    {
        await manager.PollAsync(CancellationToken.None);
        await manager.PollAsync(CancellationToken.None);
    }

    private static long Serving(ModelManager manager, string name = "add")
    {
        using var lease = new ModelRouter(manager).Acquire(name, null);
        return lease.Version.Version;
    }

    [Fact]
    public async Task ByDefault_OnlyTheHighestVersionIsServed()
    {
        using var repo = new TestRepository().AddModel("add", 1, TestModelFactory.Add()).AddModel("add", 2, TestModelFactory.AddAndMultiply());
        using var manager = await Repositories.LoadAsync(repo);

        Assert.Equal([2L], manager.Find("add")!.Versions.Select(v => v.Version));
    }

    [Fact]
    public async Task ANewVersionFolder_LoadsAndReplacesTheOldOne_WhichIsReleased()
    {
        var backend = Signatures.KnownModelsBackend();
        using var repo = new TestRepository().AddModel("add", 1, TestModelFactory.Add());
        using var manager = await Repositories.LoadAsync(repo, backend);
        await manager.PollAsync(CancellationToken.None);
        var old = manager.Find("add")!.Versions[0];

        repo.AddModel("add", 2, TestModelFactory.AddAndMultiply());
        await SettleAsync(manager);

        Assert.Equal(2, Serving(manager));
        Assert.Equal([2L], manager.Find("add")!.Versions.Select(v => v.Version));
        Assert.Equal(ModelVersionState.Unavailable, old.State);
        Assert.True(backend.Models.First().IsDisposed);
    }

    [Fact]
    public async Task AChange_SeenByOnlyOnePoll_WaitsForTheNext()
    {
        using var repo = new TestRepository().AddModel("add", 1, TestModelFactory.Add());
        using var manager = await Repositories.LoadAsync(repo);
        await manager.PollAsync(CancellationToken.None);

        repo.AddModel("add", 2, TestModelFactory.AddAndMultiply());
        await manager.PollAsync(CancellationToken.None);
        Assert.Equal(1, Serving(manager));

        await manager.PollAsync(CancellationToken.None);
        Assert.Equal(2, Serving(manager));
    }

    [Fact]
    public async Task ACorruptNewVersion_LeavesTheOldOneServing_AndTheIndexSaysWhy()
    {
        using var repo = new TestRepository().AddModel("add", 1, TestModelFactory.Add());
        using var manager = await Repositories.LoadAsync(repo);

        repo.AddModel("add", 2, Repositories.Garbage());
        await SettleAsync(manager);

        var model = manager.Find("add")!;
        Assert.Equal(1, Serving(manager));
        Assert.True(model.IsFullyReady);
        var rejected = Assert.Single(model.Rejected);
        Assert.Equal(2, rejected.Version);
        Assert.Contains("corrupt", rejected.Reason);
        var row = Assert.Single(manager.Index(), e => e.Version == "2");
        Assert.Equal(ModelVersionState.Unavailable, row.State);
        Assert.Contains("corrupt", row.Reason);
        var error = Assert.Throws<MaasError>(() => new ModelRouter(manager).Acquire("add", "2"));
        Assert.Contains("version 2 failed to load", error.Message);
    }

    [Fact]
    public async Task AReplacedModelFile_ReloadsThatVersion()
    {
        using var repo = new TestRepository().AddModel("add", 1, TestModelFactory.Add());
        using var manager = await Repositories.LoadAsync(repo);
        var before = manager.Find("add")!.Versions[0];

        repo.AddModel("add", 1, TestModelFactory.AddAndMultiply());
        File.SetLastWriteTimeUtc(repo.PathOf("add", "1", "model.onnx"), DateTime.UtcNow.AddMinutes(1));
        await SettleAsync(manager);

        var after = manager.Find("add")!.Versions[0];
        Assert.NotSame(before, after);
        Assert.Equal(Signatures.AddAndMultiply, after.Metadata);
    }

    [Fact]
    public async Task AChangedConfig_ReloadsTheModelWithIt()
    {
        using var repo = new TestRepository().AddModel("add", 1, TestModelFactory.Add()).AddModel("add", 2, TestModelFactory.AddAndMultiply());
        using var manager = await Repositories.LoadAsync(repo);

        repo.AddConfig("add", """{"version_policy": {"all": {}}, "labels": {"stable": 1}}""");
        await SettleAsync(manager);

        var model = manager.Find("add")!;
        Assert.Equal([1L, 2L], model.Versions.Select(v => v.Version));
        using var lease = new ModelRouter(manager).Acquire("add", null, "stable");
        Assert.Equal(1, lease.Version.Version);
    }

    [Fact]
    public async Task AConfigChangeOfOnlyLabelsOrTraffic_ReRoutesWithoutReloading()
    {
        var backend = Signatures.KnownModelsBackend();
        using var repo = new TestRepository()
            .AddModel("add", 1, TestModelFactory.Add())
            .AddModel("add", 2, TestModelFactory.AddAndMultiply())
            .AddConfig("add", """{"version_policy": {"all": {}}, "labels": {"stable": 1}}""");
        using var manager = await Repositories.LoadAsync(repo, backend);
        var before = manager.Find("add")!.Versions.ToArray();

        repo.AddConfig("add", """{"version_policy": {"all": {}}, "labels": {"stable": 2}, "traffic": {"1": 1, "2": 0}}""");
        File.SetLastWriteTimeUtc(repo.PathOf("add", "config.json"), DateTime.UtcNow.AddMinutes(1));
        await SettleAsync(manager);

        Assert.Equal(before, manager.Find("add")!.Versions);
        Assert.Equal(2, backend.Models.Count);
        var router = new ModelRouter(manager);
        using (var stable = router.Acquire("add", null, "stable"))
        {
            Assert.Equal(2, stable.Version.Version);
        }

        Assert.Equal(1, Serving(manager));
    }

    [Fact]
    public async Task AConfigEditOfTheSameSizeAndTime_IsStillSeen()
    {
        using var repo = new TestRepository()
            .AddModel("add", 1, TestModelFactory.Add())
            .AddModel("add", 2, TestModelFactory.AddAndMultiply())
            .AddConfig("add", """{"version_policy": {"all": {}}, "traffic": {"1": 0, "2": 100}}""");
        using var manager = await Repositories.LoadAsync(repo);
        var path = repo.PathOf("add", "config.json");
        var time = File.GetLastWriteTimeUtc(path);
        Assert.Equal(2, Serving(manager));

        // Same length, same write time: only the contents tell the edit apart.
        repo.AddConfig("add", """{"version_policy": {"all": {}}, "traffic": {"1": 100, "2": 0}}""");
        File.SetLastWriteTimeUtc(path, time);
        await SettleAsync(manager);

        Assert.Equal(1, Serving(manager));
    }

    [Fact]
    public async Task AnInvalidNewConfig_LeavesTheModelServing_AndSaysWhy()
    {
        using var repo = new TestRepository().AddModel("add", 1, TestModelFactory.Add());
        using var manager = await Repositories.LoadAsync(repo);

        repo.AddConfig("add", """{"labels": {"stable": "one"}}""");
        await SettleAsync(manager);

        var model = manager.Find("add")!;
        Assert.Equal(1, Serving(manager));
        Assert.Contains("label 'stable' must name a version", model.ReloadError);
        Assert.Contains("label 'stable' must name a version", Assert.Single(manager.Index()).Reason);
    }

    [Fact]
    public async Task ANewModelFolder_Loads_AndARemovedOne_Unloads()
    {
        var backend = Signatures.KnownModelsBackend();
        using var repo = new TestRepository().AddModel("add", 1, TestModelFactory.Add());
        using var manager = await Repositories.LoadAsync(repo, backend);

        repo.AddModel("cnn", 1, TestModelFactory.SmallConvNet());
        await SettleAsync(manager);
        Assert.Equal(1, Serving(manager, "cnn"));

        Directory.Delete(repo.PathOf("add"), recursive: true);
        await SettleAsync(manager);
        Assert.Null(manager.Find("add"));
        Assert.Equal(MaasErrorCode.NotFound, Assert.Throws<MaasError>(() => new ModelRouter(manager).Acquire("add", null)).Code);
        Assert.True(backend.Models.First().IsDisposed);
    }

    [Fact]
    public async Task ARetiredVersion_WaitsForTheRequestsRoutedToIt_BeforeItIsReleased()
    {
        var backend = Signatures.KnownModelsBackend();
        using var repo = new TestRepository().AddModel("add", 1, TestModelFactory.Add());
        using var manager = await Repositories.LoadAsync(repo, backend);
        var router = new ModelRouter(manager);
        var held = router.Acquire("add", null);

        repo.AddModel("add", 2, TestModelFactory.AddAndMultiply());
        await manager.PollAsync(CancellationToken.None);
        var swap = manager.PollAsync(CancellationToken.None);
        await Task.Delay(200);

        // The new version already takes new requests; the old one is draining, not released.
        using (var next = router.Acquire("add", null))
        {
            Assert.Equal(2, next.Version.Version);
        }

        Assert.False(swap.IsCompleted);
        Assert.Equal(ModelVersionState.Unloading, held.Version.State);
        Assert.False(backend.Models.First().IsDisposed);

        held.Dispose();
        await swap.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(backend.Models.First().IsDisposed);
    }
}
