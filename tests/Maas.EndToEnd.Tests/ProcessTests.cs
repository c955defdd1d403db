using System.Net;
using System.Net.Sockets;
using System.Text;
using Maas.EndToEnd.Tests.Support;
using Maas.TestModels;

namespace Maas.EndToEnd.Tests;

/// <summary>The `maas` command as a process: raw sockets, signals, exit codes.</summary>
public sealed class ProcessTests
{
    private const string AddBody = """{"inputs": [{"name": "a", "shape": [1, 4], "datatype": "FP32", "data": [1, 2, 3, 4]}, {"name": "b", "shape": [1, 4], "datatype": "FP32", "data": [1, 1, 1, 1]}]}""";

    [Fact]
    public async Task Sigterm_DrainsTheRequestInFlight_ThenExitsZero()
    {
        using var repository = new TestRepository().AddModel("add", 1, TestModelFactory.Add());
        var (maas, address) = await MaasProcess.StartAsync("serve", "--model-repository", repository.Root, "--http-port", "0", "--grpc-port", "0");
        using (maas)
        {
            await WaitReadyAsync(address);
            using var socket = await ConnectAsync(address);
            var body = Encoding.UTF8.GetBytes(AddBody);
            var head = Encoding.ASCII.GetBytes($"POST /v2/models/add/infer HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n");

            // Half the request is on the wire when the signal arrives; the rest follows after it.
            await socket.SendAsync(head.Concat(body[..20]).ToArray());
            await Task.Delay(200);
            maas.Terminate();
            await Task.Delay(300);
            await socket.SendAsync(body[20..]);

            var response = await ReadResponseAsync(socket);
            Assert.StartsWith("HTTP/1.1 200", response);
            Assert.Contains("\"data\":[2,3,4,5]", response);
            Assert.Equal(0, await maas.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        }
    }

    [Fact]
    public async Task TruncatedBody_IsRejected_AndTheServerKeepsServing()
    {
        using var repository = new TestRepository().AddModel("add", 1, TestModelFactory.Add());
        await using var server = await LoopbackServer.StartAsync(repository.Root);

        using (var socket = await ConnectAsync(server.Address))
        {
            var head = Encoding.ASCII.GetBytes("POST /v2/models/add/infer HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n");
            await socket.SendAsync(head.Concat(Encoding.UTF8.GetBytes(AddBody)).ToArray());
            socket.Shutdown(SocketShutdown.Send);
            var response = await ReadResponseAsync(socket);
            // Kestrel may answer 400 or just close the connection; either way nothing is run and nothing hangs.
            Assert.True(response.Length == 0 || response.StartsWith("HTTP/1.1 400", StringComparison.Ordinal), response);
        }

        using var next = await server.Client.PostAsync("/v2/models/add/infer", new StringContent(AddBody, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task MissingRepository_ExitsWithCode2AndSaysWhich()
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "maas.dll"), "serve", "--model-repository", "/no/such/folder"])
        {
            RedirectStandardError = true,
        };
        using var process = System.Diagnostics.Process.Start(start)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("--model-repository '/no/such/folder' does not exist", error);
    }

    private static async Task WaitReadyAsync(Uri address)
    {
        using var client = new HttpClient { BaseAddress = address };
        for (var attempt = 0; attempt < 300; attempt++)
        {
            using var response = await client.GetAsync("/v2/health/ready");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("the server never became ready");
    }

    private static async Task<Socket> ConnectAsync(Uri address)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(address.Host, address.Port);
        return socket;
    }

    private static async Task<string> ReadResponseAsync(Socket socket)
    {
        var buffer = new byte[64 * 1024];
        var total = 0;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            int read;
            try
            {
                read = await socket.ReceiveAsync(buffer.AsMemory(total), timeout.Token);
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
            {
                // Kestrel resets a connection whose request body ended early: a closed connection.
                break;
            }

            if (read == 0)
            {
                break;
            }

            total += read;
            var text = Encoding.UTF8.GetString(buffer, 0, total);
            var headerEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            var lengthAt = text.IndexOf("Content-Length: ", StringComparison.OrdinalIgnoreCase);
            if (headerEnd > 0 && lengthAt > 0 && lengthAt < headerEnd)
            {
                var length = int.Parse(text[(lengthAt + 16)..text.IndexOf('\r', lengthAt)], System.Globalization.CultureInfo.InvariantCulture);
                if (total >= headerEnd + 4 + length)
                {
                    break;
                }
            }
        }

        return Encoding.UTF8.GetString(buffer, 0, total);
    }
}
