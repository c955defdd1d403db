using System.Net;
using System.Text.Json.Nodes;
using Maas.Server.Security;
using static Maas.Server.Tests.Support.KServeJson;

namespace Maas.Server.Tests.Security;

/// <summary>Scopes, rate limits, revocation and the audit log, with real keys against the real server.</summary>
public sealed class ScopeTests(SecuredServer server) : IClassFixture<SecuredServer>
{
    private const string AddBody = """{"inputs": [{"name": "a", "shape": [1, 4], "datatype": "FP32", "data": [1, 2, 3, 4]}, {"name": "b", "shape": [1, 4], "datatype": "FP32", "data": [1, 1, 1, 1]}]}""";

    [Fact]
    public async Task AnInferScope_OpensTheModelsItsPatternMatches_AndNoOthers()
    {
        using var client = server.Client(server.AddOnly);

        using var add = await client.PostAsync("/v2/models/add/infer", Json(AddBody));
        using var tfAdd = await client.PostAsync("/v1/models/add:predict", Json("""{"instances": [{"a": [1, 2, 3, 4], "b": [1, 1, 1, 1]}]}"""));
        using var cnn = await client.GetAsync("/v2/models/small-cnn");
        using var tfCnn = await client.GetAsync("/v1/models/small-cnn/metadata");
        using var metrics = await client.GetAsync("/metrics");
        using var index = await client.PostAsync("/v2/repository/index", null);

        Assert.Equal(HttpStatusCode.OK, add.StatusCode);
        Assert.Equal(HttpStatusCode.OK, tfAdd.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, cnn.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, tfCnn.StatusCode);
        Assert.Equal("This key lacks the scope infer on model 'small-cnn' (e.g. infer:small-cnn or infer:*).", await ReadErrorAsync(cnn));
        Assert.Equal(HttpStatusCode.Forbidden, metrics.StatusCode);
        Assert.Contains("the scope metrics", await ReadErrorAsync(metrics));
        Assert.Equal(HttpStatusCode.Forbidden, index.StatusCode);
        Assert.Contains("the scope admin", await ReadErrorAsync(index));
    }

    [Fact]
    public async Task TheMetricsScope_OpensMetricsAndStatistics_NotInference()
    {
        using var client = server.Client(server.MetricsOnly);

        using var metrics = await client.GetAsync("/metrics");
        using var stats = await client.GetAsync("/v2/models/stats");
        using var infer = await client.PostAsync("/v2/models/add/infer", Json(AddBody));

        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Equal(HttpStatusCode.OK, stats.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, infer.StatusCode);
    }

    [Fact]
    public async Task AFullKey_ReachesEveryKindOfRoute()
    {
        using var client = server.Client(server.Full);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v2")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/v2/repository/index", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/v2/models/add/infer", Json(AddBody))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/no/such/route")).StatusCode);
    }

    [Fact]
    public async Task ARateLimitedKey_GetsExactly429WithRetryAfter_OnceItsBurstIsSpent()
    {
        using var client = server.Client(server.Limited);
        var statuses = new List<HttpStatusCode>();
        string? retryAfter = null;
        for (var i = 0; i < 12; i++)
        {
            using var response = await client.PostAsync("/v2/models/add/infer", Json(AddBody));
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                retryAfter ??= response.Headers.RetryAfter?.ToString();
                Assert.Contains("rate limit of 5 requests per second", await ReadErrorAsync(response));
            }
        }

        // A bucket of 5 refilled at 5/s: the first 5 pass at once; a burst of 12 cannot all pass.
        Assert.All(statuses.Take(5), s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.Equal("1", retryAfter);
        await Task.Delay(1100);
        using var later = await client.PostAsync("/v2/models/add/infer", Json(AddBody));
        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
    }

    [Fact]
    public async Task RevokingAKeyInTheFile_LocksItOut_WithoutARestart()
    {
        var (entry, key) = ApiKey.Create("temporary", [KeyScope.Parse("infer:*")], null, DateTimeOffset.UtcNow);
        ApiKeyFile.Write(server.KeysFile, [.. ApiKeyFile.Read(server.KeysFile), entry]);
        using var client = server.Client(key);
        await Eventually(async () => (await client.GetAsync("/v2/models/add")).StatusCode == HttpStatusCode.OK);

        ApiKeyFile.Write(server.KeysFile, [.. ApiKeyFile.Read(server.KeysFile).Select(k => k.Id == entry.Id ? k with { Revoked = true } : k)]);

        await Eventually(async () => (await client.GetAsync("/v2/models/add")).StatusCode == HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task TheAuditLog_RecordsKeyRouteModelAndStatus_AndNoRequestOrKeyEverAppearsInLogs()
    {
        const string Secret = "PAYLOAD-7f3a9c-never-log-me";
        using var client = server.Client(server.Full);
        var body = new JsonObject
        {
            ["inputs"] = new JsonArray(new JsonObject { ["name"] = "x", ["shape"] = new JsonArray(1), ["datatype"] = "BYTES", ["data"] = new JsonArray(Secret) }),
        };
        using (var ok = await client.PostAsync("/v2/models/identity-bytes/infer", Json(body)))
        {
            Assert.Contains(Secret, await ok.Content.ReadAsStringAsync());
        }

        using (var bad = await client.PostAsync("/v2/models/identity-bytes/infer", Json("""{"inputs": [{"name": "x", "shape": [2], "datatype": "BYTES", "data": [""" + "\"" + Secret + "\"" + "]}]}")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        }

        using var anonymous = server.Client(null);
        using (await anonymous.PostAsync("/v2/models/identity-bytes/infer", Json(body)))
        {
        }

        var fullId = ApiKeyFile.Read(server.KeysFile).Single(k => k.Name == "full").Id;
        string[] lines = [];
        await Eventually(async () =>
        {
            lines = File.Exists(server.AuditFile) ? await File.ReadAllLinesAsync(server.AuditFile) : [];
            return lines.Count(l => l.Contains("identity-bytes", StringComparison.Ordinal)) >= 3;
        });

        var records = lines.Select(l => JsonNode.Parse(l)!).Where(r => r["model"]?.GetValue<string>() == "identity-bytes").ToList();
        Assert.Contains(records, r => r["key"]?.GetValue<string>() == fullId && r["status"]!.GetValue<int>() == 200 && r["route"]!.GetValue<string>() == "/v2/models/identity-bytes/infer" && r["method"]!.GetValue<string>() == "POST");
        Assert.Contains(records, r => r["status"]!.GetValue<int>() == 400);
        Assert.Contains(records, r => r["key"] is null && r["status"]!.GetValue<int>() == 401);
        Assert.All(records, r => Assert.True(r["latency_ms"]!.GetValue<double>() >= 0));
        var everything = string.Join('\n', lines) + string.Join('\n', server.Log.Lines);
        Assert.DoesNotContain(Secret, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(server.Full, everything, StringComparison.Ordinal);
    }

    private static async Task Eventually(Func<Task<bool>> condition)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(15), "the condition did not hold within 15 s");
            await Task.Delay(100);
        }
    }
}
