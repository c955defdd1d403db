using System.Text.Json;
using System.Text.Json.Serialization;
using Maas.Core.Lifecycle;
using Maas.Core.Repository;
using Maas.Errors;
using Maas.Server.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Maas.Server.Frontends.KServe;

/// <summary>
/// The model repository extension, as Triton serves it: <c>POST /v2/repository/index</c> lists
/// every model and version with its state; <c>POST /v2/repository/models/{m}/load</c> loads or
/// reloads a model (optionally with a config.json override in <c>parameters.config</c>) and
/// <c>.../unload</c> unloads it. Load and unload need <c>--model-control-mode explicit</c>; in the
/// other modes the repository folder decides, and the calls answer Unsupported (501).
/// </summary>
internal static class KServeRepository
{
    /// <summary>Largest load or index request body: a config.json override, not tensors.</summary>
    public const long MaxBodyBytes = 1024 * 1024;

    public static IEndpointRouteBuilder MapKServeRepository(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v2/repository/index", IndexAsync).WithMetadata(AccessRequirement.Admin);
        routes.MapPost("/v2/repository/models/{model}/load", LoadAsync).WithMetadata(AccessRequirement.Admin);
        routes.MapPost("/v2/repository/models/{model}/unload", UnloadAsync).WithMetadata(AccessRequirement.Admin);
        return routes;
    }

    private static async Task IndexAsync(HttpContext context)
    {
        var manager = context.RequestServices.GetRequiredService<ModelManager>();
        var readyOnly = false;
        using (var body = await RequestBodyReader.ReadAsync(context.Request, MaxBodyBytes, context.RequestAborted))
        {
            if (body.Length > 0)
            {
                using var json = JsonRequestBody.ParseObject(body.Memory, "an object such as {\"ready\": true}, or no body");
                foreach (var property in json.RootElement.EnumerateObject())
                {
                    readyOnly = property.Name == "ready"
                        ? property.Value.ValueKind is JsonValueKind.True or JsonValueKind.False
                            ? property.Value.GetBoolean()
                            : throw MaasError.InvalidArgument($"'ready' must be true or false, not {property.Value.GetRawText()}.")
                        : readyOnly;
                }
            }
        }

        var rows = new List<RepositoryIndexRow>();
        foreach (var entry in manager.Index())
        {
            if (!readyOnly || entry.State == ModelVersionState.Ready)
            {
                rows.Add(new RepositoryIndexRow(entry.Name, entry.Version, StateName(entry.State), entry.Reason ?? ""));
            }
        }

        await context.Response.WriteAsJsonAsync(rows, KServeRepositoryJsonContext.Default.ListRepositoryIndexRow, contentType: null, context.RequestAborted);
    }

    private static async Task LoadAsync(HttpContext context)
    {
        var (manager, name) = Explicit(context, "load");
        ModelConfig? configOverride = null;
        using (var body = await RequestBodyReader.ReadAsync(context.Request, MaxBodyBytes, context.RequestAborted))
        {
            if (body.Length > 0)
            {
                configOverride = ReadConfigOverride(body.Memory);
            }
        }

        await manager.LoadModelAsync(name, configOverride, context.RequestAborted);
        context.Response.StatusCode = StatusCodes.Status200OK;
    }

    private static async Task UnloadAsync(HttpContext context)
    {
        var (manager, name) = Explicit(context, "unload");
        await manager.UnloadModelAsync(name, context.RequestAborted);
        context.Response.StatusCode = StatusCodes.Status200OK;
    }

    private static (ModelManager Manager, string Name) Explicit(HttpContext context, string action)
    {
        var options = context.RequestServices.GetRequiredService<MaasServerOptions>();
        if (options.ModelControlMode != ModelControlMode.Explicit)
        {
            throw MaasError.Unsupported($"Models are not loaded or unloaded by request on this server: it runs with --model-control-mode {options.ModelControlMode.ToString().ToLowerInvariant()}, where {(options.ModelControlMode == ModelControlMode.Poll ? "the repository folder decides (add, replace or remove version folders and config.json instead)" : "the models loaded at start stay until restart")}. Start it with --model-control-mode explicit to {action} models through this API.");
        }

        var name = KServeEndpoints.RouteValue(context, "model")!;
        if (!RepositoryScanner.IsValidModelName(name))
        {
            throw MaasError.InvalidArgument($"'{name}' is not a model name: a model name is one folder name under the repository, without '/', '\\', a leading '.', or control characters.");
        }

        return (context.RequestServices.GetRequiredService<ModelManager>(), name);
    }

    // Triton's form: {"parameters": {"config": "<config.json as a string>"}}; an object is accepted too.
    private static ModelConfig? ReadConfigOverride(ReadOnlyMemory<byte> body)
    {
        using var json = JsonRequestBody.ParseObject(body, "an object such as {\"parameters\": {\"config\": \"{\\\"max_batch_size\\\": 8}\"}}, or no body");
        if (!json.RootElement.TryGetProperty("parameters", out var parameters))
        {
            return null;
        }

        if (parameters.ValueKind != JsonValueKind.Object)
        {
            throw MaasError.InvalidArgument($"'parameters' must be an object, not {parameters.ValueKind}.");
        }

        if (!parameters.TryGetProperty("config", out var config))
        {
            return null;
        }

        const string Source = "the load request's parameters.config";
        return config.ValueKind switch
        {
            JsonValueKind.String => ModelConfigReader.Parse(System.Text.Encoding.UTF8.GetBytes(config.GetString()!), Source),
            JsonValueKind.Object => ModelConfigReader.Parse(System.Text.Encoding.UTF8.GetBytes(config.GetRawText()), Source),
            _ => throw MaasError.InvalidArgument($"parameters.config must be the model's config.json, as a string or an object, not {config.ValueKind}."),
        };
    }

    private static string StateName(ModelVersionState? state) => state switch
    {
        ModelVersionState.Ready => "READY",
        ModelVersionState.Loading => "LOADING",
        ModelVersionState.Unloading => "UNLOADING",
        ModelVersionState.Unavailable => "UNAVAILABLE",
        _ => "",
    };
}

/// <summary>One row of <c>POST /v2/repository/index</c>: version and state are empty for a folder the server does not hold.</summary>
internal sealed record RepositoryIndexRow(
    string Name,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Version,
    string State,
    string Reason);

/// <summary>Source-generated serialization for the repository extension.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(List<RepositoryIndexRow>))]
internal sealed partial class KServeRepositoryJsonContext : JsonSerializerContext;
