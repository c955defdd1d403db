using System.CommandLine;
using Maas.Client;
using Maas.Client.Http;
using Spectre.Console;

namespace Maas.Cli.Commands;

/// <summary>
/// <c>maas models list|load|unload --url</c>: the model repository API of a running server (Triton's
/// repository extension) from the command line. Load and unload need a server started with
/// <c>--model-control-mode explicit</c>.
/// </summary>
internal static class ModelsCommand
{
    public static Command Create()
    {
        var command = new Command("models", "List, load and unload the models of a running server (its /v2/repository API).")
        {
            List(), Load(), Unload(),
        };
        return command;
    }

    private static Option<string> UrlOption() => new("--url")
    {
        Description = "The server's KServe v2 REST address.",
        DefaultValueFactory = _ => "http://127.0.0.1:8000",
    };

    private static Command List()
    {
        var url = UrlOption();
        var ready = new Option<bool>("--ready") { Description = "Only versions that are ready." };
        var command = new Command("list", "Every model and version the server knows, with its state and reason.") { url, ready };
        command.SetAction((result, cancellationToken) => RunAsync(result, "models list", url, async client =>
        {
            var rows = await client.GetRepositoryIndexAsync(result.GetValue(ready), cancellationToken);
            var console = CommandConsole.Create(result.InvocationConfiguration.Output);
            var table = new Table().AddColumns("model", "version", "state", "reason");
            foreach (var row in rows)
            {
                table.AddRow(Markup.Escape(row.Name), Markup.Escape(row.Version ?? "-"), Markup.Escape(row.State.Length == 0 ? "(not loaded)" : row.State), Markup.Escape(row.Reason));
            }

            console.Write(table);
            return 0;
        }));
        return command;
    }

    private static Command Load()
    {
        var url = UrlOption();
        var model = new Argument<string>("model") { Description = "The model's folder name in the server's repository." };
        var config = new Option<FileInfo?>("--config") { Description = "A config.json to use instead of the model's own (e.g. new labels or traffic weights)." };
        var command = new Command("load", "Load or reload a model; returns once it serves (or with the reason it does not).") { url, model, config };
        command.SetAction((result, cancellationToken) => RunAsync(result, "models load", url, async client =>
        {
            var name = result.GetRequiredValue(model);
            string? json = null;
            if (result.GetValue(config) is { } file)
            {
                if (!file.Exists)
                {
                    await result.InvocationConfiguration.Error.WriteLineAsync($"maas models load: {file.FullName} does not exist.");
                    return CommandErrors.Failure;
                }

                json = await File.ReadAllTextAsync(file.FullName, cancellationToken);
            }

            await client.LoadModelAsync(name, json, cancellationToken);
            await result.InvocationConfiguration.Output.WriteLineAsync($"loaded {name}");
            return 0;
        }));
        return command;
    }

    private static Command Unload()
    {
        var url = UrlOption();
        var model = new Argument<string>("model") { Description = "The model to unload." };
        var command = new Command("unload", "Unload a model: requests already running finish, then its engines are released.") { url, model };
        command.SetAction((result, cancellationToken) => RunAsync(result, "models unload", url, async client =>
        {
            var name = result.GetRequiredValue(model);
            await client.UnloadModelAsync(name, cancellationToken);
            await result.InvocationConfiguration.Output.WriteLineAsync($"unloaded {name}");
            return 0;
        }));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult result, string name, Option<string> url, Func<KServeHttpClient, Task<int>> body)
    {
        var text = result.GetRequiredValue(url);
        if (!Uri.TryCreate(text, UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
        {
            await result.InvocationConfiguration.Error.WriteLineAsync($"maas {name}: --url '{text}' is not an http:// or https:// address such as http://127.0.0.1:8000.");
            return CommandErrors.Failure;
        }

        using var client = new KServeHttpClient(address);
        try
        {
            return await body(client);
        }
        catch (MaasClientException ex)
        {
            await result.InvocationConfiguration.Error.WriteLineAsync($"maas {name}: {ex.Message}");
            return CommandErrors.Failure;
        }
    }
}
