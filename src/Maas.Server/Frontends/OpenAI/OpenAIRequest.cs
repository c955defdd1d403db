using Maas.Generation;

namespace Maas.Server.Frontends.OpenAI;

/// <summary>A parsed OpenAI chat or completions request: the target model, the canonical request, and how to answer.</summary>
/// <param name="Model">The <c>model</c> field: a model name in the repository.</param>
/// <param name="Generation">The canonical generation request.</param>
/// <param name="Stream">Answer with Server-Sent Events.</param>
/// <param name="IncludeUsage"><c>stream_options.include_usage</c>: a last chunk with the usage.</param>
internal sealed record OpenAIRequest(string Model, GenerationRequest Generation, bool Stream, bool IncludeUsage);
