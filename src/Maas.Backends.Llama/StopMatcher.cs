namespace Maas.Backends.Llama;

/// <summary>
/// Assembles a sequence's text and decides what may be sent: text that could still become the
/// start of a stop sequence is held back until the next tokens decide, so a stop sequence split
/// across tokens is cut exactly and never leaks to the client. Not thread-safe.
/// </summary>
internal sealed class StopMatcher
{
    private readonly IReadOnlyList<string> _stops;
    private readonly System.Text.StringBuilder _text = new();
    private int _sent;

    public StopMatcher(IReadOnlyList<string> stops)
    {
        _stops = stops;
    }

    /// <summary>
    /// Appends <paramref name="piece"/>. Returns the text that is now safe to send, and whether a
    /// stop sequence was found (then the text up to it is returned and nothing more may follow).
    /// </summary>
    public (string Text, bool Stopped) Append(string piece)
    {
        var searchFrom = Math.Max(0, _text.Length - LongestStop() + 1);
        _text.Append(piece);
        if (_stops.Count == 0)
        {
            return (Take(_text.Length), false);
        }

        var all = _text.ToString();
        var stopAt = -1;
        foreach (var stop in _stops)
        {
            var at = all.IndexOf(stop, Math.Max(0, Math.Min(searchFrom, _sent)), StringComparison.Ordinal);
            if (at >= 0 && (stopAt < 0 || at < stopAt))
            {
                stopAt = at;
            }
        }

        if (stopAt >= 0)
        {
            return (Take(Math.Max(stopAt, _sent)), true);
        }

        return (Take(all.Length - HeldBack(all)), false);
    }

    /// <summary>Everything not sent yet (at the end of the generation).</summary>
    public string Flush() => Take(_text.Length);

    /// <summary>Length of the longest suffix of <paramref name="all"/> that begins some stop sequence.</summary>
    private int HeldBack(string all)
    {
        var held = 0;
        foreach (var stop in _stops)
        {
            for (var length = Math.Min(stop.Length - 1, all.Length - _sent); length > held; length--)
            {
                if (string.CompareOrdinal(all, all.Length - length, stop, 0, length) == 0)
                {
                    held = length;
                    break;
                }
            }
        }

        return held;
    }

    private int LongestStop()
    {
        var longest = 1;
        foreach (var stop in _stops)
        {
            longest = Math.Max(longest, stop.Length);
        }

        return longest;
    }

    private string Take(int end)
    {
        if (end <= _sent)
        {
            return "";
        }

        var text = _text.ToString(_sent, end - _sent);
        _sent = end;
        return text;
    }
}
