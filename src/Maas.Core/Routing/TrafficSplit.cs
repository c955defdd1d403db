using System.Text;
using Maas.Core.Repository;

namespace Maas.Core.Routing;

/// <summary>
/// Picks a version for a request that names none, by the weights of config.json's
/// <c>traffic</c> (<c>{"3": 90, "4": 10}</c>). A request with an id always lands on the same
/// version for the same set of ready versions (a stable hash of the id); one without an id is
/// placed at random. Versions that are not ready take no share: their weight goes to the others.
/// </summary>
public static class TrafficSplit
{
    /// <summary>
    /// The version for a request with <paramref name="routingKey"/> (its id, or null), among the
    /// weights whose version <paramref name="isReady"/> says can serve; null when none can.
    /// </summary>
    public static long? Choose(IReadOnlyList<TrafficWeight> weights, Func<long, bool> isReady, string? routingKey)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(isReady);
        long total = 0;
        foreach (var weight in weights)
        {
            total += isReady(weight.Version) ? weight.Weight : 0;
        }

        if (total == 0)
        {
            return null;
        }

        var point = routingKey is null ? Random.Shared.NextInt64(total) : (long)(StableHash(routingKey) % (ulong)total);
        foreach (var weight in weights)
        {
            if (!isReady(weight.Version))
            {
                continue;
            }

            if (point < weight.Weight)
            {
                return weight.Version;
            }

            point -= weight.Weight;
        }

        return null;
    }

    /// <summary>64-bit FNV-1a of the key's UTF-8 bytes: stable across processes and runs (string.GetHashCode is not).</summary>
    internal static ulong StableHash(string key)
    {
        var hash = 14695981039346656037UL;
        Span<byte> buffer = stackalloc byte[256];
        var bytes = Encoding.UTF8.GetByteCount(key) <= buffer.Length ? buffer[..Encoding.UTF8.GetBytes(key, buffer)] : Encoding.UTF8.GetBytes(key);
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        // FNV's low bits mix poorly for short keys; fold the high half in before taking a remainder.
        return hash ^ (hash >> 32);
    }
}
