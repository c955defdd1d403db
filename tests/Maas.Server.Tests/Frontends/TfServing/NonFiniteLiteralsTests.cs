using System.Text;
using Maas.Server.Frontends.TfServing;

namespace Maas.Server.Tests.Frontends.TfServing;

public sealed class NonFiniteLiteralsTests
{
    [Theory]
    [InlineData("""{"instances": [1, 2.5e3]}""")]
    [InlineData("""{"instances": ["NaN", "Infinity"]}""")]
    [InlineData("""{"instances": ["say \"NaN\" -Infinity"]}""")]
    public void Quote_WhenNoBareTokens_ReturnsNull(string json) =>
        Assert.Null(NonFiniteLiterals.Quote(Encoding.UTF8.GetBytes(json)));

    [Theory]
    [InlineData("[NaN]", """["NaN"]""")]
    [InlineData("[1,NaN, Infinity ,-Infinity]", """[1,"NaN", "Infinity" ,"-Infinity"]""")]
    [InlineData("""{"a": "x\"NaN", "b": [Inf, -Inf]}""", """{"a": "x\"NaN", "b": ["Infinity", "-Infinity"]}""")]
    [InlineData("""{"s": "\\", "v": NaN}""", """{"s": "\\", "v": "NaN"}""")]
    public void Quote_QuotesBareTokensOutsideStrings(string json, string expected)
    {
        using var quoted = NonFiniteLiterals.Quote(Encoding.UTF8.GetBytes(json));
        Assert.NotNull(quoted);
        Assert.Equal(expected, Encoding.UTF8.GetString(quoted.Span));
    }

    [Fact]
    public void Quote_LeavesOtherCapitalsForTheJsonReaderToReport()
    {
        using var quoted = NonFiniteLiterals.Quote("[Nope, NaN]"u8);
        Assert.Equal("""[Nope, "NaN"]""", Encoding.UTF8.GetString(quoted!.Span));
    }
}
