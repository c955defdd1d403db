namespace Maas.Core.Repository;

/// <summary>
/// Warm-up of a freshly loaded version before it takes traffic (<c>warmup</c> in config.json):
/// <c>{"runs": 2, "inputs": {"sr": [16000]}}</c>. Inputs not listed are generated from the
/// signature: zeros (false, empty strings), every dynamic dimension 1. A listed input gives its
/// values flat, row-major; a single value fills the whole tensor. A warm-up run that fails fails
/// the load, so a version that cannot answer never takes traffic.
/// </summary>
public sealed record WarmupConfig
{
    /// <summary>Warm-up requests to run (1–1000).</summary>
    public int Runs { get; init; } = 1;

    /// <summary>Values of listed inputs, by input name (numbers, or strings for BYTES).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<WarmupValue>> Inputs { get; init; } = new Dictionary<string, IReadOnlyList<WarmupValue>>(StringComparer.Ordinal);
}

/// <summary>One warm-up value: a number (also for BOOL: 0 or 1) or a string (BYTES).</summary>
/// <param name="Number">The number, when the value is one.</param>
/// <param name="Text">The string, when the value is one.</param>
public readonly record struct WarmupValue(double Number, string? Text);
