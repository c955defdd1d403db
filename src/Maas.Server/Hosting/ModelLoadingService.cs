using Maas.Core.Lifecycle;
using Maas.Server.Observability;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Maas.Server.Hosting;

/// <summary>
/// Loads the model repository once the host has started, so that <c>/v2/health/live</c> answers
/// while models load and <c>/v2/health/ready</c> turns 200 when they are in; then, in poll mode,
/// polls the repository and applies its changes (hot reload) until shutdown.
/// </summary>
internal sealed class ModelLoadingService : IHostedService, IDisposable
{
    private readonly ModelManager _manager;
    private readonly MaasServerOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Task _loading = Task.CompletedTask;
    private Task _polling = Task.CompletedTask;

    public ModelLoadingService(ModelManager manager, MaasServerOptions options, ILogger<ModelLoadingService> logger)
    {
        _manager = manager;
        _options = options;
        _logger = logger;
    }

    /// <summary>Completes when the start-up load has finished (successfully or not).</summary>
    public Task Loading => _loading;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        IReadOnlyCollection<string>? only = _options.ModelControlMode == ModelControlMode.Explicit && !_options.LoadModels.Contains("*")
            ? [.. _options.LoadModels]
            : null;
        _loading = Task.Run(() => _manager.LoadAllAsync(_stopping.Token, only), CancellationToken.None);
        if (_options.ModelControlMode == ModelControlMode.Poll)
        {
            _polling = Task.Run(PollAsync, CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    private async Task PollAsync()
    {
        var token = _stopping.Token;
        try
        {
            await _loading.ConfigureAwait(false);
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(_options.RepositoryPollSeconds));
            while (await timer.WaitForNextTickAsync(token).ConfigureAwait(false))
            {
                try
                {
                    await _manager.PollAsync(token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A poll that failed (a folder vanished mid-scan) is retried at the next tick.
                    ServerLog.UnhandledError(_logger, "repository", "poll", ex);
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        try
        {
            await Task.WhenAll(_loading, _polling).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Shutting down mid-load is fine: what loaded is unloaded with the manager.
        }
    }

    public void Dispose() => _stopping.Dispose();
}
