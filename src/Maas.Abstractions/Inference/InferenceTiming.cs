namespace Maas.Inference;

/// <summary>
/// Where one request's time went inside the scheduler: waiting in the queue, then the engine run
/// (input assembly, inference and output split of the batch it ran in). Frontends report it as a
/// <c>Server-Timing</c> header and as trace spans.
/// </summary>
/// <param name="Queue">From enqueue until its batch started.</param>
/// <param name="Compute">The run of the batch it was part of.</param>
/// <param name="BatchRequests">Requests in that batch (1 when it ran alone).</param>
public readonly record struct InferenceTiming(TimeSpan Queue, TimeSpan Compute, int BatchRequests);
