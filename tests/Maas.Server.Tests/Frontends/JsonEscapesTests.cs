using System.Text;
using System.Text.Json;
using Maas.Errors;
using Maas.Server.Frontends;

namespace Maas.Server.Tests.Frontends;

/// <summary>
/// An escaped surrogate without its pair is refused before any parser unescapes it (where
/// System.Text.Json would throw InvalidOperationException, a 500); everything else passes.
/// </summary>
public sealed class JsonEscapesTests
{
    [Theory]
    [InlineData("""{"t": "\ud800"}""", "\\ud800 at byte 7")]
    [InlineData("""{"t": "a\udc00b"}""", "\\udc00 at byte 8")]
    [InlineData("""{"t": "\ud83d\u0041"}""", "\\ud83d")]
    [InlineData("""{"t": "\\\ud800"}""", "\\ud800 at byte 9")]
    [InlineData("""{"t": "x\uD83D"}""", "\\ud83d")]
    public void Unpaired_surrogate_escapes_are_refused_naming_the_escape(string json, string mentioned)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        // The premise: the parser itself accepts the body and fails only on unescaping.
        using (var document = JsonDocument.Parse(bytes))
        {
            Assert.Throws<InvalidOperationException>(() => document.RootElement.GetProperty("t").GetString());
        }

        var error = Assert.Throws<MaasError>(() => JsonEscapes.ThrowIfUnpairedSurrogate(bytes));
        Assert.Equal(MaasErrorCode.InvalidArgument, error.Code);
        Assert.Contains(mentioned, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"t": "\ud83d\ude00 and \u00e9, \n \" \\"}""")]
    [InlineData("""{"t": "\\ud800"}""")] // an escaped backslash, then the text "ud800"
    [InlineData("""{"t": "\\\\ud800"}""")]
    [InlineData("""{"t": "plain"}""")]
    [InlineData("""{"t": "\u12"}""")] // malformed: the JSON parser's own error says so
    [InlineData("\\")]
    public void Everything_else_passes(string json)
    {
        JsonEscapes.ThrowIfUnpairedSurrogate(Encoding.UTF8.GetBytes(json));
    }
}
