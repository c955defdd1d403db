using Maas.Errors;

namespace Maas.Server.Security;

/// <summary>What a scope allows.</summary>
public enum ScopeKind
{
    /// <summary>Inference, metadata and readiness of models whose name matches the pattern.</summary>
    Infer,

    /// <summary>Repository control: load, unload, index.</summary>
    Admin,

    /// <summary><c>/metrics</c> and the statistics endpoints.</summary>
    Metrics,
}

/// <summary>
/// One permission of an API key: <c>infer:PATTERN</c> (a model-name glob with <c>*</c> and
/// <c>?</c>, e.g. <c>infer:*</c>, <c>infer:minilm</c>, <c>infer:team-a-*</c>), <c>admin</c> or
/// <c>metrics</c>. Admin does not imply infer: each key gets exactly what it lists.
/// </summary>
public sealed record KeyScope(ScopeKind Kind, string Pattern)
{
    /// <summary>Parses <paramref name="text"/>; throws InvalidArgument naming the forms.</summary>
    public static KeyScope Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text == "admin")
        {
            return new KeyScope(ScopeKind.Admin, "");
        }

        if (text == "metrics")
        {
            return new KeyScope(ScopeKind.Metrics, "");
        }

        if (text.StartsWith("infer:", StringComparison.Ordinal) && text.Length > "infer:".Length)
        {
            return new KeyScope(ScopeKind.Infer, text["infer:".Length..]);
        }

        throw MaasError.InvalidArgument($"'{text}' is not a scope; scopes are infer:<model pattern> (e.g. infer:* or infer:minilm), admin, metrics.");
    }

    /// <summary>True when this scope lets a request of <paramref name="kind"/> (on <paramref name="model"/>, for infer) through.</summary>
    public bool Allows(ScopeKind kind, string? model) =>
        Kind == kind && (kind != ScopeKind.Infer || (model is not null && Glob(Pattern, model)));

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        ScopeKind.Infer => "infer:" + Pattern,
        ScopeKind.Admin => "admin",
        _ => "metrics",
    };

    // '*' any run of characters, '?' one character; everything else literal.
    private static bool Glob(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        int p = 0, t = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == text[t]))
            {
                p++;
                t++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = t;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}
