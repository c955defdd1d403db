using System.Text.Json;
using System.Text.Json.Serialization;
using Maas.Errors;

namespace Maas.Server.Security;

/// <summary>
/// The keys file (<c>--auth-keys FILE</c>, managed by <c>maas keys</c>): JSON
/// <c>{"keys": [{"id", "name", "salt", "hash", "scopes", "requests_per_second", "created", "revoked"}]}</c>.
/// It holds no key in clear, only salted hashes; still, keep it readable by the server only.
/// Written through a temporary file and a rename, so the server never reads half a file.
/// </summary>
public static class ApiKeyFile
{
    /// <summary>Reads the file; throws InvalidArgument naming the file and the problem.</summary>
    public static IReadOnlyList<ApiKey> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        KeysFileJson? file;
        try
        {
            file = JsonSerializer.Deserialize(File.ReadAllBytes(path), KeysJsonContext.Default.KeysFileJson);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw MaasError.InvalidArgument($"Cannot read the keys file {path}: {ex.Message}");
        }
        catch (JsonException ex)
        {
            throw MaasError.InvalidArgument($"The keys file {path} is not valid JSON ({ex.Message}); create it with `maas keys create --file {path}`.");
        }

        var keys = new List<ApiKey>();
        foreach (var entry in file?.Keys ?? [])
        {
            if (string.IsNullOrEmpty(entry.Id) || string.IsNullOrEmpty(entry.Salt) || string.IsNullOrEmpty(entry.Hash))
            {
                throw MaasError.InvalidArgument($"The keys file {path} has an entry without id, salt or hash.");
            }

            var scopes = new List<KeyScope>();
            foreach (var scope in entry.Scopes ?? [])
            {
                scopes.Add(KeyScope.Parse(scope));
            }

            keys.Add(new ApiKey(entry.Id, entry.Name ?? "", entry.Salt, entry.Hash, scopes, entry.RequestsPerSecond, entry.Created ?? DateTimeOffset.MinValue, entry.Revoked));
        }

        return keys;
    }

    /// <summary>Writes <paramref name="keys"/> to <paramref name="path"/> (temporary file, then rename; owner-only permissions on Unix).</summary>
    public static void Write(string path, IReadOnlyList<ApiKey> keys)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(keys);
        var file = new KeysFileJson([.. keys.Select(k => new KeyJson(k.Id, k.Name, k.Salt, k.Hash, [.. k.Scopes.Select(s => s.ToString())], k.RequestsPerSecond, k.Created, k.Revoked))]);
        var temporary = path + ".tmp";
        File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(file, KeysJsonContext.Default.KeysFileJson));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.Move(temporary, path, overwrite: true);
    }
}

/// <summary>The keys file's JSON.</summary>
internal sealed record KeysFileJson(KeyJson[]? Keys);

/// <summary>One key's JSON.</summary>
internal sealed record KeyJson(string? Id, string? Name, string? Salt, string? Hash, string[]? Scopes, double? RequestsPerSecond, DateTimeOffset? Created, bool Revoked);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(KeysFileJson))]
internal sealed partial class KeysJsonContext : JsonSerializerContext;
