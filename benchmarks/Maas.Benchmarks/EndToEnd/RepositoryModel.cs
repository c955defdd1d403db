namespace Maas.Benchmarks.EndToEnd;

/// <summary>One model of a <see cref="TempRepository"/>: served as <paramref name="Name"/>, from the source repository's <paramref name="Source"/>, with <paramref name="Config"/> as its config.json.</summary>
internal sealed record RepositoryModel(string Name, string Source, string Config);
