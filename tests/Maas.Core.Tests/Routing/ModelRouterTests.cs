using Maas.Core.Lifecycle;
using Maas.Core.Routing;
using Maas.Core.Tests.Support;
using Maas.Errors;
using Maas.TestModels;
using Microsoft.Extensions.Logging.Abstractions;

namespace Maas.Core.Tests.Routing;

public class ModelRouterTests
{
    // Routes like a frontend: takes the lease and returns it at once.
    private static ModelVersion Route(ModelRouter router, string name, string? version)
    {
        using var lease = router.Acquire(name, version);
        return lease.Version;
    }

    private static MaasError Fails(Action action, MaasErrorCode code)
    {
        var error = Assert.Throws<MaasError>(action);
        Assert.Equal(code, error.Code);
        return error;
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public async Task Resolve_WithoutVersion_ReturnsTheHighestReadyVersion(string? version)
    {
        using var repo = new TestRepository()
            .AddConfig("add", Repositories.AllVersions)
            .AddModel("add", 1, TestModelFactory.Add())
            .AddModel("add", 10, TestModelFactory.Add())
            .AddModel("add", 2, TestModelFactory.Add());
        using var manager = await Repositories.LoadAsync(repo);
        var router = new ModelRouter(manager);

        var resolved = Route(router, "add", version);

        Assert.Equal(10, resolved.Version);
        Assert.Equal("10", resolved.VersionText);
    }

    [Fact]
    public async Task Resolve_WithoutVersion_SkipsAHigherVersionThatFailedToLoad()
    {
        using var repo = new TestRepository()
            .AddConfig("add", Repositories.AllVersions)
            .AddModel("add", 1, TestModelFactory.Add())
            .AddModel("add", 2, TestModelFactory.AddAndMultiply())
            .AddModel("add", 3, Repositories.Garbage());
        using var manager = await Repositories.LoadAsync(repo);
        var router = new ModelRouter(manager);

        var resolved = Route(router, "add", null);

        Assert.Equal(2, resolved.Version);
        Assert.Equal(Signatures.AddAndMultiply, resolved.Metadata);
    }

    [Fact]
    public async Task Resolve_WithAVersion_ReturnsThatVersion()
    {
        using var repo = new TestRepository()
            .AddConfig("add", Repositories.AllVersions)
            .AddModel("add", 1, TestModelFactory.Add())
            .AddModel("add", 2, TestModelFactory.AddAndMultiply());
        using var manager = await Repositories.LoadAsync(repo);
        var router = new ModelRouter(manager);

        var resolved = Route(router, "add", "1");

        Assert.Equal(1, resolved.Version);
        Assert.Equal(Signatures.Add, resolved.Metadata);
    }

    [Fact]
    public async Task Resolve_WhenTheNamedVersionFailedToLoad_ThrowsUnavailableWithTheReason()
    {
        using var repo = new TestRepository()
            .AddConfig("add", Repositories.AllVersions)
            .AddModel("add", 1, TestModelFactory.Add())
            .AddModel("add", 2, Repositories.Garbage());
        using var manager = await Repositories.LoadAsync(repo);
        var router = new ModelRouter(manager);

        var error = Fails(() => Route(router, "add", "2"), MaasErrorCode.Unavailable);

        Assert.StartsWith("Model 'add' version 2 is not available: ", error.Message);
        Assert.Contains(repo.PathOf("add", "2", "model.onnx"), error.Message);
    }

    [Fact]
    public async Task Resolve_WhenModelIsUnknown_ThrowsNotFoundNamingIt()
    {
        using var repo = new TestRepository().AddModel("add", 1, TestModelFactory.Add());
        using var manager = await Repositories.LoadAsync(repo);
        var router = new ModelRouter(manager);

        var error = Fails(() => Route(router, "resnet", null), MaasErrorCode.NotFound);

        Assert.Equal("Unknown model 'resnet'. Model names are the folder names under the model repository.", error.Message);
    }

    [Fact]
    public async Task Resolve_ModelNamesAreCaseSensitive()
    {
        using var repo = new TestRepository().AddModel("add", 1, TestModelFactory.Add());
        using var manager = await Repositories.LoadAsync(repo);
        var router = new ModelRouter(manager);

        Fails(() => Route(router, "Add", null), MaasErrorCode.NotFound);
    }

    [Fact]
    public async Task Resolve_WhenVersionIsUnknown_ThrowsNotFoundListingTheVersions()
    {
        using var repo = new TestRepository()
            .AddConfig("add", Repositories.AllVersions)
            .AddModel("add", 1, TestModelFactory.Add())
            .AddModel("add", 2, TestModelFactory.Add());
        using var manager = await Repositories.LoadAsync(repo);
        var router = new ModelRouter(manager);

        var error = Fails(() => Route(router, "add", "7"), MaasErrorCode.NotFound);

        Assert.Equal("Model 'add' has no version 7; it has version 1 (ready), version 2 (ready).", error.Message);
    }

    [Fact]
    public async Task Resolve_WhenVersionIsUnknown_ListsFailedVersionsWithTheirReason()
    {
        using var repo = new TestRepository()
            .AddConfig("add", Repositories.AllVersions)
            .AddModel("add", 1, TestModelFactory.Add())
            .AddModel("add", 2, Repositories.Garbage());
        using var manager = await Repositories.LoadAsync(repo);
        var router = new ModelRouter(manager);

        var error = Fails(() => Route(router, "add", "3"), MaasErrorCode.NotFound);

        Assert.StartsWith("Model 'add' has no version 3; it has version 1 (ready), version 2 (Unavailable: ", error.Message);
    }

    [Theory]
    [InlineData("latest")]
    [InlineData("01")]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("1.0")]
    [InlineData(" 1")]
    public async Task Resolve_WhenVersionIsNotAPositiveInteger_ThrowsNotFoundSayingWhatVersionsAre(string version)
    {
        using var repo = new TestRepository().AddModel("add", 1, TestModelFactory.Add());
        using var manager = await Repositories.LoadAsync(repo);
        var router = new ModelRouter(manager);

        var error = Fails(() => Route(router, "add", version), MaasErrorCode.NotFound);

        Assert.Equal($"Model 'add' has no version '{version}': versions are positive integers (version 1 (ready)).", error.Message);
    }

    [Fact]
    public async Task Resolve_WhenModelConfigIsInvalid_ThrowsUnavailableWithTheConfigError()
    {
        using var repo = new TestRepository()
            .AddConfig("add", """{ "backend": 1 }""")
            .AddModel("add", 1, TestModelFactory.Add());
        using var manager = await Repositories.LoadAsync(repo);
        var router = new ModelRouter(manager);

        Assert.Same(manager.Find("add"), router.ResolveModel("add"));
        var error = Fails(() => Route(router, "add", "1"), MaasErrorCode.Unavailable);

        Assert.StartsWith("Model 'add' is not available: Invalid ", error.Message);
        Assert.Contains("'backend' must be a string, not 1", error.Message);
    }

    [Fact]
    public async Task Resolve_WhenModelHasNoVersionFolders_ThrowsUnavailableWithTheReason()
    {
        using var repo = new TestRepository().AddFolder("empty");
        using var manager = await Repositories.LoadAsync(repo);
        var router = new ModelRouter(manager);

        var error = Fails(() => Route(router, "empty", null), MaasErrorCode.Unavailable);

        Assert.Contains("no version folders in", error.Message);
    }

    [Fact]
    public async Task Resolve_WhenNoVersionIsReady_ThrowsUnavailableDescribingEachVersion()
    {
        using var repo = new TestRepository()
            .AddConfig("add", Repositories.AllVersions)
            .AddModel("add", 1, Repositories.Garbage(seed: 1))
            .AddModel("add", 2, Repositories.Garbage(seed: 2));
        using var manager = await Repositories.LoadAsync(repo);
        var router = new ModelRouter(manager);

        var error = Fails(() => Route(router, "add", null), MaasErrorCode.Unavailable);

        Assert.StartsWith("Model 'add' has no ready version: version 1 (Unavailable: ", error.Message);
        Assert.Contains("version 2 (Unavailable: ", error.Message);
    }

    [Fact]
    public async Task FindVersion_ReturnsAVersionThatFailedToLoad_ForMetadataAndReadiness()
    {
        using var repo = new TestRepository()
            .AddConfig("add", Repositories.AllVersions)
            .AddModel("add", 1, TestModelFactory.Add())
            .AddModel("add", 2, Repositories.Garbage());
        using var manager = await Repositories.LoadAsync(repo);

        var version = ModelRouter.FindVersion(manager.Find("add")!, "2");

        Assert.Equal(ModelVersionState.Unavailable, version.State);
        Assert.NotNull(version.Reason);
    }

    [Fact]
    public void Resolve_BeforeTheRepositoryHasLoaded_ThrowsUnavailable()
    {
        using var repo = new TestRepository().AddModel("add", 1, TestModelFactory.Add());
        using var manager = new ModelManager(repo.Root, [Signatures.KnownModelsBackend()], NullLogger<ModelManager>.Instance);
        var router = new ModelRouter(manager);

        var error = Fails(() => Route(router, "add", null), MaasErrorCode.Unavailable);

        Assert.Contains("still loading", error.Message);
    }

    [Fact]
    public async Task Resolve_AfterDispose_NoLongerFindsTheModel()
    {
        using var repo = new TestRepository().AddModel("add", 1, TestModelFactory.Add());
        var manager = await Repositories.LoadAsync(repo);
        var router = new ModelRouter(manager);

        manager.Dispose();

        Fails(() => Route(router, "add", null), MaasErrorCode.NotFound);
    }
}
