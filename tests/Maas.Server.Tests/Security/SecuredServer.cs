using Maas.Server.Security;
using Maas.Server.Tests.Support;
using Maas.TestModels;
using Microsoft.Extensions.Logging;

namespace Maas.Server.Tests.Security;

/// <summary>
/// An in-memory server with API keys: <see cref="Full"/> (infer:*, admin, metrics), <see cref="AddOnly"/>
/// (infer:add*), <see cref="MetricsOnly"/>, <see cref="Limited"/> (infer:*, 5 requests/s) and a revoked
/// one; an audit log; every log line captured.
/// </summary>
public sealed class SecuredServer : IAsyncLifetime
{
    private readonly TestRepository _repository = new TestRepository()
        .AddModel("add", 1, TestModelFactory.Add())
        .AddModel("small-cnn", 1, TestModelFactory.SmallConvNet())
        .AddModel("identity-bytes", 1, TestModelFactory.Identity(Maas.TestModels.OnnxElementType.String, "n"));

    private InMemoryServer? _server;

    public string Full { get; private set; } = "";

    public string AddOnly { get; private set; } = "";

    public string MetricsOnly { get; private set; } = "";

    public string Limited { get; private set; } = "";

    public string Revoked { get; private set; } = "";

    public string KeysFile => _repository.PathOf("keys.json");

    public string AuditFile => _repository.PathOf("audit.jsonl");

    internal InMemoryServer Server => _server!;

    public CapturedLog Log { get; } = new();

    public async Task InitializeAsync()
    {
        var now = DateTimeOffset.UtcNow;
        var keys = new List<ApiKey>();
        string Add(string name, double? rate, params string[] scopes)
        {
            var (entry, key) = ApiKey.Create(name, [.. scopes.Select(KeyScope.Parse)], rate, now);
            keys.Add(entry);
            return key;
        }

        Full = Add("full", null, "infer:*", "admin", "metrics");
        AddOnly = Add("add-only", null, "infer:add*");
        MetricsOnly = Add("metrics", null, "metrics");
        Limited = Add("limited", 5, "infer:*");
        Revoked = Add("revoked", null, "infer:*", "admin", "metrics");
        keys[^1] = keys[^1] with { Revoked = true };
        ApiKeyFile.Write(KeysFile, keys);
        _server = await InMemoryServer.StartAsync(
            _repository.Root,
            o => o with { AuthKeysFile = KeysFile, AuditLog = AuditFile },
            builder => builder.Logging.AddProvider(Log).SetMinimumLevel(LogLevel.Trace));
    }

    public HttpClient Client(string? key)
    {
        var client = new HttpClient(Server.CreateHandler()) { BaseAddress = new Uri("http://localhost") };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _repository.Dispose();
    }
}

/// <summary>Every log line of a server, at every level, with its exception.</summary>
public sealed class CapturedLog : ILoggerProvider
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => [.. _lines];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, System.Collections.Concurrent.ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}
