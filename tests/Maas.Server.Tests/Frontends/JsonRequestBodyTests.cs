using System.Text;
using Maas.Errors;
using Maas.Server.Frontends;

namespace Maas.Server.Tests.Frontends;

/// <summary>The two errors every JSON-object route gives, each saying what to send instead.</summary>
public sealed class JsonRequestBodyTests
{
    private const string Expected = "an object with 'model'";

    [Theory]
    [InlineData("""{"model": """, "is not valid JSON (")]
    [InlineData("", "is not valid JSON (")]
    [InlineData("[1, 2]", "must be a JSON object, not array")]
    [InlineData("\"text\"", "must be a JSON object, not string")]
    [InlineData("null", "must be a JSON object, not null")]
    public void NotAnObject_IsInvalidArgument_SayingWhatToSend(string body, string mentioned)
    {
        var error = Assert.Throws<MaasError>(() => JsonRequestBody.ParseObject(Encoding.UTF8.GetBytes(body), Expected));
        Assert.Equal(MaasErrorCode.InvalidArgument, error.Code);
        Assert.Contains(mentioned, error.Message, StringComparison.Ordinal);
        Assert.EndsWith($"send {Expected}.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnObject_IsParsed()
    {
        using var document = JsonRequestBody.ParseObject("""{"model": "m"}"""u8.ToArray(), Expected);
        Assert.Equal("m", document.RootElement.GetProperty("model").GetString());
    }
}
