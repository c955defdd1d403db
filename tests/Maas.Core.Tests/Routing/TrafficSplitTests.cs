using Maas.Core.Repository;
using Maas.Core.Routing;

namespace Maas.Core.Tests.Routing;

public sealed class TrafficSplitTests
{
    private static readonly TrafficWeight[] NinetyTen = [new(3, 90), new(4, 10)];

    [Fact]
    public void Choose_ForTheSameId_AlwaysPicksTheSameVersion()
    {
        for (var i = 0; i < 200; i++)
        {
            var id = $"request-{i}";
            var first = TrafficSplit.Choose(NinetyTen, _ => true, id);
            for (var repeat = 0; repeat < 5; repeat++)
            {
                Assert.Equal(first, TrafficSplit.Choose(NinetyTen, _ => true, id));
            }
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Choose_OverManyRequests_SplitsByTheWeights(bool withIds)
    {
        const int Requests = 20_000;
        var toCanary = 0;
        for (var i = 0; i < Requests; i++)
        {
            toCanary += TrafficSplit.Choose(NinetyTen, _ => true, withIds ? Guid.NewGuid().ToString() : null) == 4 ? 1 : 0;
        }

        // Binomial(20000, 0.1): standard deviation 42; ±1.5 points is > 7 sigma.
        Assert.InRange(toCanary / (double)Requests, 0.085, 0.115);
    }

    [Fact]
    public void Choose_WithSequentialIds_StillSplitsByTheWeights()
    {
        var toCanary = 0;
        for (var i = 0; i < 10_000; i++)
        {
            toCanary += TrafficSplit.Choose(NinetyTen, _ => true, i.ToString(System.Globalization.CultureInfo.InvariantCulture)) == 4 ? 1 : 0;
        }

        Assert.InRange(toCanary, 800, 1200);
    }

    [Fact]
    public void Choose_GivesTheShareOfAVersionThatIsNotReadyToTheOthers_AndNullWhenNoneIs()
    {
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(3, TrafficSplit.Choose(NinetyTen, v => v == 3, $"id-{i}"));
        }

        Assert.Null(TrafficSplit.Choose(NinetyTen, _ => false, "id"));
    }

    [Fact]
    public void Choose_WithAZeroWeight_NeverPicksThatVersion()
    {
        TrafficWeight[] promoted = [new(3, 0), new(4, 100)];

        for (var i = 0; i < 500; i++)
        {
            Assert.Equal(4, TrafficSplit.Choose(promoted, _ => true, $"id-{i}"));
        }
    }
}
