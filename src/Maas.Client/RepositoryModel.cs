namespace Maas.Client;

/// <summary>One row of a server's repository index: a model version and its state.</summary>
/// <param name="Name">The model's name.</param>
/// <param name="Version">The version; null for a model with none loaded (failed, unloaded, or not loaded in explicit mode).</param>
/// <param name="State"><c>READY</c>, <c>LOADING</c>, <c>UNLOADING</c>, <c>UNAVAILABLE</c>, or empty for a folder the server does not hold.</param>
/// <param name="Reason">Why it is not ready (or why a change failed while it kept serving); empty otherwise.</param>
public sealed record RepositoryModel(string Name, string? Version, string State, string Reason);
