using Maas.Core.Lifecycle;
using Microsoft.Extensions.Hosting;

namespace Maas.Server.Hosting;

/// <summary>
/// Loads the model repository once the host has started, so that <c>/v2/health/live</c> answers
/// while models load and <c>/v2/health/ready</c> turns 200 when they are in.
/// </summary>
internal sealed class ModelLoadingService : IHostedService, IDisposable
{
    private readonly ModelManager _manager;
    private readonly CancellationTokenSource _stopping = new();
    private Task _loading = Task.CompletedTask;

    public ModelLoadingService(ModelManager manager)
    {
        _manager = manager;
    }

    /// <summary>Completes when the start-up load has finished (successfully or not).</summary>
    public Task Loading => _loading;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loading = Task.Run(() => _manager.LoadAllAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        try
        {
            await _loading.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Shutting down mid-load is fine: what loaded is unloaded with the manager.
        }
    }

    public void Dispose() => _stopping.Dispose();
}
