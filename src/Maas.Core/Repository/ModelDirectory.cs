namespace Maas.Core.Repository;

/// <summary>One model folder found in the repository: <c>&lt;repo&gt;/&lt;name&gt;/</c> with its numbered version folders.</summary>
/// <param name="Name">The folder name, which is the model's name in every protocol.</param>
/// <param name="Path">Full path of the model folder.</param>
/// <param name="ConfigPath">Full path of <c>config.json</c>, or null when the model has none.</param>
/// <param name="Versions">Version folders, ascending by number.</param>
public sealed record ModelDirectory(string Name, string Path, string? ConfigPath, IReadOnlyList<VersionDirectory> Versions);

/// <summary>A version folder: <c>&lt;repo&gt;/&lt;name&gt;/&lt;version&gt;/</c>.</summary>
/// <param name="Version">The folder name as a positive integer.</param>
/// <param name="Path">Full path of the version folder.</param>
public sealed record VersionDirectory(long Version, string Path);
