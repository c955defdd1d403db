using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Maas.Benchmarks.Load;

/// <summary>
/// The cheapest HTTP/1.1 client this benchmark can have: one kept-alive socket used with blocking
/// calls from its own thread, the whole request (headers and body) serialized once and sent as one
/// buffer, the answer read until its Content-Length. No pipelining: one request in flight per
/// connection. Blocking calls cost a kernel wake-up per answer; the async socket path adds the
/// epoll thread and a thread-pool hop on top, which on the client's single core limited the bare
/// Kestrel figure. Answers without Content-Length (chunked) are not supported; the servers
/// measured here set it on every answer of the measured endpoints.
/// </summary>
internal sealed class RawHttpConnection : IDisposable
{
    private static readonly byte[] HeaderEnd = "\r\n\r\n"u8.ToArray();
    private static readonly byte[] ContentLength = "\r\ncontent-length:"u8.ToArray();

    private readonly Socket _socket;
    private readonly byte[] _request;
    private readonly byte[] _buffer = new byte[64 * 1024];

    private RawHttpConnection(Socket socket, byte[] request)
    {
        _socket = socket;
        _request = request;
    }

    /// <summary>Connects to <paramref name="uri"/>'s host and port; <paramref name="request"/> is sent as is on every round trip.</summary>
    public static RawHttpConnection Open(Uri uri, byte[] request)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Connect(new IPEndPoint(IPAddress.Parse(uri.Host), uri.Port));
            return new RawHttpConnection(socket, request);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>A complete HTTP/1.1 request: request line, Host, the given headers, Content-Length, body.</summary>
    public static byte[] Serialize(string method, Uri uri, IEnumerable<KeyValuePair<string, string>> headers, byte[]? body)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{method} {uri.PathAndQuery} HTTP/1.1\r\nHost: {uri.Authority}\r\n");
        foreach (var (name, value) in headers)
        {
            text.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
        }

        if (body is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"Content-Length: {body.Length}\r\n");
        }

        text.Append("\r\n");
        var head = Encoding.ASCII.GetBytes(text.ToString());
        var request = new byte[head.Length + (body?.Length ?? 0)];
        head.CopyTo(request, 0);
        body?.CopyTo(request, head.Length);
        return request;
    }

    /// <summary>Sends the request and reads the whole answer; returns its status code.</summary>
    public int RoundTrip()
    {
        var sent = 0;
        while (sent < _request.Length)
        {
            sent += _socket.Send(_request.AsSpan(sent), SocketFlags.None);
        }

        var filled = 0;
        int headerEnd;
        while ((headerEnd = _buffer.AsSpan(0, filled).IndexOf(HeaderEnd)) < 0)
        {
            if (filled == _buffer.Length)
            {
                throw new InvalidDataException($"The answer's headers are over {_buffer.Length} bytes.");
            }

            filled += Receive(filled, _buffer.Length - filled);
        }

        var head = _buffer.AsSpan(0, headerEnd);
        var status = int.Parse(head.Slice(9, 3), NumberStyles.None, CultureInfo.InvariantCulture);
        var remaining = (long)BodyLength(head) - (filled - headerEnd - HeaderEnd.Length);
        while (remaining > 0)
        {
            remaining -= Receive(0, (int)Math.Min(remaining, _buffer.Length));
        }

        return status;
    }

    public void Dispose() => _socket.Dispose();

    private int Receive(int offset, int count)
    {
        var n = _socket.Receive(_buffer.AsSpan(offset, count), SocketFlags.None);
        return n > 0 ? n : throw new IOException("The server closed the connection.");
    }

    private static int BodyLength(ReadOnlySpan<byte> head)
    {
        Span<byte> lower = stackalloc byte[head.Length];
        for (var i = 0; i < head.Length; i++)
        {
            var b = head[i];
            lower[i] = b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b + 32) : b;
        }

        var at = ((ReadOnlySpan<byte>)lower).IndexOf(ContentLength);
        if (at < 0)
        {
            throw new InvalidDataException("The answer has no Content-Length (chunked answers are not supported by the raw client).");
        }

        var value = head[(at + ContentLength.Length)..];
        var end = value.IndexOf((byte)'\r');
        return int.Parse((end < 0 ? value : value[..end]).Trim((byte)' '), NumberStyles.None, CultureInfo.InvariantCulture);
    }
}
