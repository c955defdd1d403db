namespace Maas.Models;

/// <summary>A model that keeps state per sequence (Triton's sequence extension) between requests.</summary>
public interface ISequenceModel
{
    /// <summary>Sequences started and neither ended nor expired.</summary>
    int LiveSequences { get; }
}
