using System.Security.Cryptography;
using System.Text;

namespace Maas.Server.Security;

/// <summary>
/// One API key as the keys file stores it: never the key itself, only a salted SHA-256 of its
/// secret part. A key reads <c>maas_&lt;id&gt;_&lt;secret&gt;</c>: the id finds the entry, the
/// secret is checked against the hash in constant time.
/// </summary>
/// <param name="Id">Public identifier (12 hex characters); shown in logs and the audit log.</param>
/// <param name="Name">What the key is for, as its creator said.</param>
/// <param name="Salt">Random salt, base64.</param>
/// <param name="Hash">SHA-256 of salt followed by the secret's UTF-8 bytes, base64.</param>
/// <param name="Scopes">What the key may do.</param>
/// <param name="RequestsPerSecond">Rate limit for this key; null for none.</param>
/// <param name="Created">When the key was created (UTC).</param>
/// <param name="Revoked">True once revoked: the key no longer authenticates.</param>
public sealed record ApiKey(string Id, string Name, string Salt, string Hash, IReadOnlyList<KeyScope> Scopes, double? RequestsPerSecond, DateTimeOffset Created, bool Revoked)
{
    /// <summary>The prefix of every key.</summary>
    public const string Prefix = "maas_";

    /// <summary>Creates a key: the entry to store and the key text, which is shown once and stored nowhere.</summary>
    public static (ApiKey Entry, string Key) Create(string name, IReadOnlyList<KeyScope> scopes, double? requestsPerSecond, DateTimeOffset now)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        var salt = RandomNumberGenerator.GetBytes(16);
        var entry = new ApiKey(id, name, Convert.ToBase64String(salt), Convert.ToBase64String(HashOf(salt, secret)), scopes, requestsPerSecond, now, Revoked: false);
        return (entry, $"{Prefix}{id}_{secret}");
    }

    /// <summary>Splits a presented key into id and secret; false when it is not in the key format.</summary>
    public static bool TrySplit(string presented, out string id, out string secret)
    {
        id = secret = "";
        if (presented is null || !presented.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = presented.AsSpan(Prefix.Length);
        var separator = rest.IndexOf('_');
        if (separator <= 0 || separator == rest.Length - 1)
        {
            return false;
        }

        id = rest[..separator].ToString();
        secret = rest[(separator + 1)..].ToString();
        return true;
    }

    /// <summary>True when <paramref name="secret"/> is this key's secret (constant-time comparison).</summary>
    public bool Matches(string secret)
    {
        byte[] salt, expected;
        try
        {
            salt = Convert.FromBase64String(Salt);
            expected = Convert.FromBase64String(Hash);
        }
        catch (FormatException)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(HashOf(salt, secret), expected);
    }

    private static byte[] HashOf(byte[] salt, string secret)
    {
        var secretBytes = Encoding.UTF8.GetBytes(secret);
        var input = new byte[salt.Length + secretBytes.Length];
        salt.CopyTo(input, 0);
        secretBytes.CopyTo(input, salt.Length);
        return SHA256.HashData(input);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
