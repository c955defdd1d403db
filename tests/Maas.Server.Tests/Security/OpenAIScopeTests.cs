using System.Net;
using System.Text.Json.Nodes;
using static Maas.Server.Tests.Support.KServeJson;

namespace Maas.Server.Tests.Security;

/// <summary>The OpenAI routes name their model in the body: the infer scope is checked on it.</summary>
public sealed class OpenAIScopeTests(SecuredServer server) : IClassFixture<SecuredServer>
{
    [Fact]
    public async Task ChatCompletions_NeedInferOnTheModelTheBodyNames()
    {
        using var client = server.Client(server.AddOnly);

        using var denied = await client.PostAsync("/v1/chat/completions", Json("""{"model": "small-cnn", "messages": [{"role": "user", "content": "hi"}]}"""));
        using var allowed = await client.PostAsync("/v1/completions", Json("""{"model": "add", "prompt": "hi"}"""));

        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        var error = JsonNode.Parse(await denied.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal("permission_error", (string?)error["type"]);
        Assert.Contains("infer on model 'small-cnn'", (string)error["message"]!, StringComparison.Ordinal);
        // Past the scope check, 'add' is a tensor model: the OpenAI route says so.
        Assert.Equal(HttpStatusCode.BadRequest, allowed.StatusCode);
        Assert.Contains("not a language model", await allowed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutAKey_TheOpenAIRoutesAnswerInOpenAIsErrorShape()
    {
        using var client = server.Client(null);

        using var chat = await client.PostAsync("/v1/chat/completions", Json("""{"model": "add", "messages": [{"role": "user", "content": "hi"}]}"""));
        using var models = await client.GetAsync("/v1/models");

        foreach (var response in new[] { chat, models })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
            Assert.Equal("invalid_api_key", (string?)error["code"]);
            Assert.Contains("Authorization: Bearer <key>", (string)error["message"]!, StringComparison.Ordinal);
        }
    }
}
