using Maas.Core.Repository;
using Maas.Errors;
using Maas.TestModels;

namespace Maas.Core.Tests.Repository;

public class RepositoryScannerTests
{
    [Fact]
    public void Scan_ListsModelsSortedOrdinallyByName()
    {
        using var repo = new TestRepository()
            .AddFolder("zeta/1")
            .AddFolder("alpha/1")
            .AddFolder("Beta/1")
            .AddFolder("alpha2/1");

        var models = RepositoryScanner.Scan(repo.Root);

        Assert.Equal(["Beta", "alpha", "alpha2", "zeta"], models.Select(m => m.Name));
        Assert.Equal(repo.PathOf("alpha"), models[1].Path);
    }

    [Fact]
    public void Scan_SkipsHiddenFolders()
    {
        using var repo = new TestRepository()
            .AddFolder(".git/1")
            .AddFolder(".cache")
            .AddFolder("add/1");

        var models = RepositoryScanner.Scan(repo.Root);

        Assert.Equal(["add"], models.Select(m => m.Name));
    }

    [Fact]
    public void Scan_IgnoresFilesBesideTheModelFolders()
    {
        using var repo = new TestRepository()
            .AddFile("README.md", "models")
            .AddFolder("add/1");

        var models = RepositoryScanner.Scan(repo.Root);

        Assert.Equal(["add"], models.Select(m => m.Name));
    }

    [Fact]
    public void Scan_WhenRepositoryIsEmpty_ReturnsNoModels()
    {
        using var repo = new TestRepository();

        Assert.Empty(RepositoryScanner.Scan(repo.Root));
    }

    [Fact]
    public void Scan_ListsVersionsAscendingByNumber()
    {
        using var repo = new TestRepository()
            .AddFolder("add/10")
            .AddFolder("add/2")
            .AddFolder("add/1");

        var model = Assert.Single(RepositoryScanner.Scan(repo.Root));

        Assert.Equal([1L, 2L, 10L], model.Versions.Select(v => v.Version));
        Assert.Equal(repo.PathOf("add", "10"), model.Versions[2].Path);
    }

    [Fact]
    public void Scan_IgnoresFoldersThatAreNotPositiveIntegers()
    {
        using var repo = new TestRepository()
            .AddFolder("add/3")
            .AddFolder("add/0")
            .AddFolder("add/00")
            .AddFolder("add/01")
            .AddFolder("add/-1")
            .AddFolder("add/+1")
            .AddFolder("add/1.0")
            .AddFolder("add/1a")
            .AddFolder("add/latest")
            .AddFolder("add/ 2")
            .AddFolder("add/99999999999999999999")
            .AddFile("add/4", "a file, not a folder");

        var model = Assert.Single(RepositoryScanner.Scan(repo.Root));

        var version = Assert.Single(model.Versions);
        Assert.Equal(3, version.Version);
    }

    [Fact]
    public void Scan_WhenModelHasConfigJson_RecordsItsPath()
    {
        using var repo = new TestRepository()
            .AddConfig("with-config", "{}")
            .AddFolder("with-config/1")
            .AddFolder("without-config/1");

        var models = RepositoryScanner.Scan(repo.Root);

        Assert.Equal(repo.PathOf("with-config", "config.json"), models[0].ConfigPath);
        Assert.Null(models[1].ConfigPath);
    }

    [Fact]
    public void Scan_WhenConfigJsonIsAFolder_HasNoConfig()
    {
        using var repo = new TestRepository().AddFolder("add/config.json").AddFolder("add/1");

        var model = Assert.Single(RepositoryScanner.Scan(repo.Root));

        Assert.Null(model.ConfigPath);
    }

    [Fact]
    public void Scan_WhenModelFolderHasNoVersions_ListsItWithNone()
    {
        using var repo = new TestRepository().AddConfig("empty", "{}");

        var model = Assert.Single(RepositoryScanner.Scan(repo.Root));

        Assert.Equal("empty", model.Name);
        Assert.Empty(model.Versions);
    }

    [Fact]
    public void Scan_WhenRepositoryIsMissing_ThrowsNotFoundNamingThePathAndTheOption()
    {
        using var repo = new TestRepository();
        var missing = repo.PathOf("does-not-exist");

        var error = Assert.Throws<MaasError>(() => RepositoryScanner.Scan(missing));

        Assert.Equal(MaasErrorCode.NotFound, error.Code);
        Assert.Contains($"'{missing}'", error.Message);
        Assert.Contains("--model-repository", error.Message);
    }

    [Theory]
    [InlineData("1", 1)]
    [InlineData("7", 7)]
    [InlineData("10", 10)]
    [InlineData("9223372036854775807", long.MaxValue)]
    public void TryParseVersion_AcceptsPositiveIntegers(string text, long expected)
    {
        Assert.True(RepositoryScanner.TryParseVersion(text, out var version));
        Assert.Equal(expected, version);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("01")]
    [InlineData("-1")]
    [InlineData("+1")]
    [InlineData(" 1")]
    [InlineData("1 ")]
    [InlineData("1.0")]
    [InlineData("1e3")]
    [InlineData("abc")]
    [InlineData("9223372036854775808")]
    [InlineData("١")] // Arabic-Indic digit one
    public void TryParseVersion_RejectsAnythingElse(string? text)
    {
        Assert.False(RepositoryScanner.TryParseVersion(text, out _));
    }
}
