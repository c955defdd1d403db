using System.Text;
using Maas.Core.Repository;
using Maas.Errors;

namespace Maas.Core.Tests.Repository;

public sealed class VersionConfigTests
{
    private static ModelConfig Parse(string json) => ModelConfigReader.Parse(Encoding.UTF8.GetBytes(json), "config.json");

    private static string Error(string json) => Assert.Throws<MaasError>(() => Parse(json)).Message;

    [Fact]
    public void VersionPolicy_DefaultsToTheLatestVersion()
    {
        Assert.Equal(VersionPolicy.Default, Parse("{}").VersionPolicy);
        Assert.Equal([5L], VersionPolicy.Default.Select([1, 3, 5]));
    }

    [Fact]
    public void VersionPolicy_ReadsTheThreeForms_AndSelectsAccordingly()
    {
        var latest = Parse("""{"version_policy": {"latest": {"num_versions": 2}}}""").VersionPolicy;
        var specific = Parse("""{"version_policy": {"specific": {"versions": [4, 1]}}}""").VersionPolicy;
        var all = Parse("""{"version_policy": {"all": {}}}""").VersionPolicy;

        Assert.Equal([3L, 5L], latest.Select([1, 3, 5]));
        Assert.Equal([1L, 4L], specific.Select([1, 3, 4]));
        Assert.Equal([1L, 3L, 5L], all.Select([1, 3, 5]));
        Assert.Equal([1L, 2L], latest.Select([1, 2]));
    }

    [Theory]
    [InlineData("""{"version_policy": "latest"}""", "'version_policy' must be one of")]
    [InlineData("""{"version_policy": {"latest": {}, "all": {}}}""", "'version_policy' must be one of")]
    [InlineData("""{"version_policy": {"latest": {"num_versions": 0}}}""", "'version_policy.latest.num_versions'")]
    [InlineData("""{"version_policy": {"latest": {"count": 2}}}""", "unknown field 'version_policy.latest.count'")]
    [InlineData("""{"version_policy": {"specific": {"versions": []}}}""", "must be a list of 1 to 1024 version numbers")]
    [InlineData("""{"version_policy": {"specific": {"versions": [1, -2]}}}""", "versions are positive integers")]
    public void VersionPolicy_Invalid_IsRefusedWithTheFix(string json, string fragment)
    {
        Assert.Contains(fragment, Error(json));
    }

    [Fact]
    public void Labels_MapNamesToVersions()
    {
        var labels = Parse("""{"labels": {"stable": 3, "canary-2.b": 4}}""").Labels;

        Assert.Equal(3, labels["stable"]);
        Assert.Equal(4, labels["canary-2.b"]);
    }

    [Theory]
    [InlineData("""{"labels": {"7": 1}}""", "label '7' is not a valid name")]
    [InlineData("""{"labels": {"../x": 1}}""", "label '../x' is not a valid name")]
    [InlineData("""{"labels": {"stable": 0}}""", "label 'stable' must name a version, a positive integer, not 0")]
    [InlineData("""{"labels": {"stable": "3"}}""", "label 'stable' must name a version")]
    [InlineData("""{"labels": ["stable"]}""", "'labels' must be an object")]
    public void Labels_Invalid_AreRefused(string json, string fragment)
    {
        Assert.Contains(fragment, Error(json));
    }

    [Fact]
    public void Traffic_ReadsWeightsByVersion_SortedByVersion()
    {
        var traffic = Parse("""{"traffic": {"4": 10, "3": 90}}""").Traffic!;

        Assert.Equal([new TrafficWeight(3, 90), new TrafficWeight(4, 10)], traffic);
    }

    [Theory]
    [InlineData("""{"traffic": {"3": 0, "4": 0}}""", "weights are all 0")]
    [InlineData("""{"traffic": {"v3": 90}}""", "'traffic' key 'v3' is not a version number")]
    [InlineData("""{"traffic": {"3": -1}}""", "'traffic.3' must be a weight")]
    [InlineData("""{"traffic": {"3": 1.5}}""", "'traffic.3' must be a weight")]
    [InlineData("""{"traffic": {}}""", "'traffic' must be an object of version numbers and weights")]
    public void Traffic_Invalid_IsRefused(string json, string fragment)
    {
        Assert.Contains(fragment, Error(json));
    }

    [Fact]
    public void Warmup_ReadsRunsAndInputs()
    {
        var warmup = Parse("""{"warmup": {"runs": 3, "inputs": {"sr": [16000], "text": ["hi"]}}}""").Warmup!;

        Assert.Equal(3, warmup.Runs);
        Assert.Equal(16000, Assert.Single(warmup.Inputs["sr"]).Number);
        Assert.Equal("hi", Assert.Single(warmup.Inputs["text"]).Text);
    }

    [Theory]
    [InlineData("""{"warmup": {"runs": 0}}""", "'warmup.runs'")]
    [InlineData("""{"warmup": {"inputs": {"sr": 16000}}}""", "'warmup.inputs.sr' must be a non-empty flat list")]
    [InlineData("""{"warmup": {"inputs": {"sr": [[1]]}}}""", "values are numbers, booleans or strings, flat")]
    [InlineData("""{"warmup": {"count": 1}}""", "unknown field 'warmup.count'")]
    public void Warmup_Invalid_IsRefused(string json, string fragment)
    {
        Assert.Contains(fragment, Error(json));
    }

    [Theory]
    [InlineData("""{"response_cache": {"enabled": true}}""", true)]
    [InlineData("""{"response_cache": {"enabled": false}}""", false)]
    [InlineData("{}", false)]
    public void ResponseCache_IsOptIn(string json, bool enabled)
    {
        Assert.Equal(enabled, Parse(json).ResponseCache);
    }

    [Theory]
    [InlineData("""{"response_cache": true}""")]
    [InlineData("""{"response_cache": {"enabled": "yes"}}""")]
    [InlineData("""{"response_cache": {"enabled": true, "size": 1}}""")]
    public void ResponseCache_Invalid_IsRefused(string json)
    {
        Assert.Contains("'response_cache' must be {\"enabled\": true}", Error(json));
    }

    [Fact]
    public void EveryProblem_IsReportedAtOnce()
    {
        var message = Error("""{"labels": {"1": 1}, "traffic": {"x": 1}, "version_policy": 3}""");

        Assert.Contains("label '1'", message);
        Assert.Contains("'traffic' key 'x'", message);
        Assert.Contains("'version_policy' must be one of", message);
    }
}
