namespace Maas.EndToEnd.Tests.Support;

/// <summary>
/// The test classes that start a language-model server run one after another: each server's
/// OpenTelemetry provider listens to every meter named "Maas.Llm" in the process, so two servers
/// alive at once would see (and export) each other's LLM metrics. They also run apart from every
/// other collection (after them): with the demo servers' models busy in the same process, the
/// prefix-cache metrics test once found no tiny-llm series in its scrape.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LanguageModelServers
{
    public const string Name = "Language-model servers";
}
