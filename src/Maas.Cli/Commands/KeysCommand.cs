using System.CommandLine;
using Maas.Errors;
using Maas.Server.Security;
using Spectre.Console;

namespace Maas.Cli.Commands;

/// <summary>
/// <c>maas keys create|list|revoke --file FILE</c>: manages the API keys file that
/// <c>maas serve --auth-keys FILE</c> reads (and re-reads on change, so a revoke applies without a
/// restart). The key itself is printed once, at creation; the file holds only a salted hash.
/// </summary>
internal static class KeysCommand
{
    public static Command Create() => new("keys", "Create, list and revoke the API keys of a keys file (maas serve --auth-keys).")
    {
        CreateKey(), List(), Revoke(),
    };

    private static Option<FileInfo> FileOption() => new("--file")
    {
        Description = "The keys file (created if missing).",
        Required = true,
    };

    private static Command CreateKey()
    {
        var file = FileOption();
        var name = new Option<string>("--name") { Description = "What the key is for (shown by list).", DefaultValueFactory = _ => "" };
        var scopes = new Option<string[]>("--scope")
        {
            Description = "A permission (repeatable): infer:<model pattern> (infer:*, infer:minilm, infer:team-*), admin, metrics.",
            Required = true,
        };
        var rate = new Option<double?>("--rate") { Description = "Requests per second this key may send (429 beyond). [default: no limit]" };
        var command = new Command("create", "Add a key and print it (once: it cannot be shown again).") { file, name, scopes, rate };
        command.SetAction(result => Run(result, "keys create", () =>
        {
            var path = result.GetRequiredValue(file).FullName;
            var parsed = result.GetRequiredValue(scopes).Select(KeyScope.Parse).ToArray();
            if (result.GetValue(rate) is <= 0 or double.NaN)
            {
                throw MaasError.InvalidArgument("--rate must be a positive number of requests per second.");
            }

            var keys = File.Exists(path) ? ApiKeyFile.Read(path).ToList() : [];
            var (entry, key) = ApiKey.Create(result.GetValue(name) ?? "", parsed, result.GetValue(rate), DateTimeOffset.UtcNow);
            keys.Add(entry);
            ApiKeyFile.Write(path, keys);
            result.InvocationConfiguration.Output.WriteLine(key);
            result.InvocationConfiguration.Error.WriteLine($"Created key {entry.Id} ({string.Join(", ", parsed.Select(s => s.ToString()))}) in {path}. The key above is shown only now; send it as 'Authorization: Bearer <key>'.");
        }));
        return command;
    }

    private static Command List()
    {
        var file = FileOption();
        var command = new Command("list", "Every key of the file: id, name, scopes, rate limit, created, revoked (never the key).") { file };
        command.SetAction(result => Run(result, "keys list", () =>
        {
            var path = result.GetRequiredValue(file).FullName;
            var table = new Table().AddColumns("id", "name", "scopes", "rate/s", "created", "state");
            foreach (var key in ApiKeyFile.Read(path))
            {
                table.AddRow(key.Id, Markup.Escape(key.Name), Markup.Escape(string.Join(" ", key.Scopes.Select(s => s.ToString()))), key.RequestsPerSecond?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-", key.Created.ToString("u", System.Globalization.CultureInfo.InvariantCulture), key.Revoked ? "revoked" : "active");
            }

            CommandConsole.Create(result.InvocationConfiguration.Output).Write(table);
        }));
        return command;
    }

    private static Command Revoke()
    {
        var file = FileOption();
        var id = new Argument<string>("id") { Description = "The key's id (from list)." };
        var command = new Command("revoke", "Revoke a key: a running server stops accepting it within seconds.") { file, id };
        command.SetAction(result => Run(result, "keys revoke", () =>
        {
            var path = result.GetRequiredValue(file).FullName;
            var target = result.GetRequiredValue(id);
            var keys = ApiKeyFile.Read(path).ToList();
            var index = keys.FindIndex(k => k.Id == target);
            if (index < 0)
            {
                throw MaasError.NotFound($"{path} has no key '{target}'; `maas keys list --file {path}` shows the ids.");
            }

            keys[index] = keys[index] with { Revoked = true };
            ApiKeyFile.Write(path, keys);
            result.InvocationConfiguration.Output.WriteLine($"revoked {target}");
        }));
        return command;
    }

    private static int Run(ParseResult result, string name, Action body)
    {
        try
        {
            body();
            return 0;
        }
        catch (MaasError ex)
        {
            result.InvocationConfiguration.Error.WriteLine($"maas {name}: {ex.Message}");
            return CommandErrors.Failure;
        }
    }
}
