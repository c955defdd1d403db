namespace Maas.Backends.Llama.Tests;

public sealed class StopMatcherTests
{
    [Fact]
    public void Append_WithoutStops_SendsEverythingAtOnce()
    {
        var matcher = new StopMatcher([]);
        Assert.Equal(("Hello", false), matcher.Append("Hello"));
        Assert.Equal((" world", false), matcher.Append(" world"));
    }

    [Fact]
    public void Append_StopSplitAcrossPieces_HoldsBackThenCutsBeforeIt()
    {
        var matcher = new StopMatcher(["END"]);
        Assert.Equal(("abc", false), matcher.Append("abcE"));
        Assert.Equal(("", false), matcher.Append("N"));
        Assert.Equal(("", true), matcher.Append("Dxyz"));
    }

    [Fact]
    public void Append_PrefixThatDoesNotBecomeAStop_IsReleased()
    {
        var matcher = new StopMatcher(["END"]);
        Assert.Equal(("abc", false), matcher.Append("abcEN"));
        Assert.Equal(("ENx", false), matcher.Append("x"));
        Assert.Equal("", matcher.Flush());
    }

    [Fact]
    public void Append_StopInsideOnePiece_ReturnsTheTextBeforeIt()
    {
        var matcher = new StopMatcher(["\n\n", "###"]);
        Assert.Equal(("one two", true), matcher.Append("one two### three"));
    }

    [Fact]
    public void Append_EarliestOfSeveralStops_Wins()
    {
        var matcher = new StopMatcher(["b", "a"]);
        Assert.Equal(("x", true), matcher.Append("xab"));
    }

    [Fact]
    public void Flush_ReturnsWhatWasHeldBack()
    {
        var matcher = new StopMatcher(["STOP"]);
        Assert.Equal(("go ", false), matcher.Append("go ST"));
        Assert.Equal("ST", matcher.Flush());
    }
}
