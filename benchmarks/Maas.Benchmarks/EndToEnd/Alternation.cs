namespace Maas.Benchmarks.EndToEnd;

/// <summary>How a scenario alternates its targets (see <see cref="Scenario"/>).</summary>
internal enum Alternation
{
    /// <summary>One window per target per round: A B C, A B C.</summary>
    Windows,

    /// <summary>One request per target in turn, for the whole round.</summary>
    Requests,
}
