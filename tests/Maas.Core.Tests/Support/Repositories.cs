using Maas.Core.Lifecycle;
using Maas.Models;
using Maas.TestModels;
using Microsoft.Extensions.Logging.Abstractions;

namespace Maas.Core.Tests.Support;

internal static class Repositories
{
    /// <summary>config.json that serves every version folder (the default policy serves only the highest).</summary>
    public const string AllVersions = """{"version_policy": {"all": {}}}""";

    /// <summary>Random bytes: what a corrupt download or a wrong file looks like to an engine.</summary>
    public static byte[] Garbage(int length = 512, int seed = 7)
    {
        var bytes = new byte[length];
#pragma warning disable CA5394 // Deterministic test data, not security.
        new Random(seed).NextBytes(bytes);
#pragma warning restore CA5394
        return bytes;
    }

    /// <summary>Loads <paramref name="repo"/> with the given backends (by default one that knows the generated models).</summary>
    public static async Task<ModelManager> LoadAsync(TestRepository repo, params IModelBackend[] backends)
    {
        var manager = new ModelManager(repo.Root, backends.Length == 0 ? [Signatures.KnownModelsBackend()] : backends, NullLogger<ModelManager>.Instance);
        await manager.LoadAllAsync(CancellationToken.None);
        return manager;
    }
}
