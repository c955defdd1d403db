namespace Maas.Server.Frontends.OpenAI;

/// <summary>
/// Endpoint metadata: errors of this route, including those raised before its handler runs (the
/// security layer's 401, 403 and 429), are written in OpenAI's error object shape.
/// </summary>
internal sealed class OpenAIErrorShape
{
    private OpenAIErrorShape()
    {
    }

    public static OpenAIErrorShape Instance { get; } = new();
}
