using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Maas.Core.Lifecycle;
using Maas.Errors;
using Microsoft.Extensions.Logging;

namespace Maas.Server.Security;

/// <summary>
/// The API keys the server accepts, from <c>--auth-keys</c>, re-read when the file changes (checked
/// every <see cref="ReloadInterval"/>), so <c>maas keys revoke</c> takes effect without a restart.
/// A file that becomes unreadable keeps the last good keys and is reported. Also holds each
/// key's rate limiter.
/// </summary>
public sealed class ApiKeyStore : IDisposable
{
    /// <summary>How often the keys file is checked for changes.</summary>
    public static readonly TimeSpan ReloadInterval = TimeSpan.FromSeconds(2);

    private readonly string? _path;
    private readonly ILogger _logger;
    private readonly Timer? _timer;
    private readonly ConcurrentDictionary<string, RateLimiter> _limiters = new(StringComparer.Ordinal);
    private volatile Dictionary<string, ApiKey> _keys = new Dictionary<string, ApiKey>(StringComparer.Ordinal);
    private FileStamp? _stamp;

    /// <summary>A store over the keys file at <paramref name="path"/>; null means no keys (authentication off).</summary>
    public ApiKeyStore(string? path, ILogger<ApiKeyStore> logger)
    {
        _path = path;
        _logger = logger;
        if (path is not null)
        {
            Load(throwOnError: true);
            _timer = new Timer(_ => Load(throwOnError: false), null, ReloadInterval, ReloadInterval);
        }
    }

    /// <summary>True when keys are configured: every route but liveness and readiness then needs one.</summary>
    public bool Enabled => _path is not null;

    /// <summary>The key that <paramref name="presented"/> is, when it is a valid, unrevoked key; null otherwise.</summary>
    public ApiKey? Authenticate(string presented)
    {
        if (!ApiKey.TrySplit(presented, out var id, out var secret) || !_keys.TryGetValue(id, out var key))
        {
            return null;
        }

        return !key.Revoked && key.Matches(secret) ? key : null;
    }

    /// <summary>Takes one request from <paramref name="key"/>'s rate limit; false (with the wait) when it is exhausted.</summary>
    public bool TryAcquire(ApiKey key, out TimeSpan retryAfter)
    {
        ArgumentNullException.ThrowIfNull(key);
        retryAfter = TimeSpan.Zero;
        if (key.RequestsPerSecond is not { } rate)
        {
            return true;
        }

        var limiter = _limiters.GetOrAdd(key.Id + "@" + rate.ToString(System.Globalization.CultureInfo.InvariantCulture), _ => new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            // A bucket of one second's worth, refilled continuously in 10 slices a second.
            TokenLimit = Math.Max(1, (int)Math.Ceiling(rate)),
            TokensPerPeriod = Math.Max(1, (int)Math.Ceiling(rate / 10)),
            ReplenishmentPeriod = TimeSpan.FromMilliseconds(rate >= 10 ? 100 : 1000 / rate),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
        using var lease = limiter.AttemptAcquire();
        if (lease.IsAcquired)
        {
            return true;
        }

        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        return false;
    }

    private void Load(bool throwOnError)
    {
        var stamp = FileStamp.Of(_path!);
        if (stamp is not null && stamp == _stamp)
        {
            return;
        }

        try
        {
            var keys = ApiKeyFile.Read(_path!);
            var table = new Dictionary<string, ApiKey>(StringComparer.Ordinal);
            foreach (var key in keys)
            {
                table[key.Id] = key;
            }

            _keys = table;
            _stamp = stamp;
            var active = table.Values.Count(k => !k.Revoked);
            SecurityLog.KeysLoaded(_logger, _path!, active);
        }
        catch (MaasError ex) when (!throwOnError)
        {
            _stamp = stamp;
            SecurityLog.KeysReloadFailed(_logger, _path!, ex.Message);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _timer?.Dispose();
        foreach (var limiter in _limiters.Values)
        {
            limiter.Dispose();
        }
    }
}
