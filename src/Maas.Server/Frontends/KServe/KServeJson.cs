using System.Text.Encodings.Web;
using System.Text.Json;

namespace Maas.Server.Frontends.KServe;

/// <summary>JSON settings shared by the KServe writers.</summary>
internal static class KServeJson
{
    /// <summary>
    /// Writes quotes and non-ASCII text as they are (not <c>\u0027</c>): every body is
    /// <c>application/json</c>, never embedded in HTML, so HTML-safe escaping only hurts readability.
    /// </summary>
    public static JsonWriterOptions WriterOptions { get; } = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };
}
