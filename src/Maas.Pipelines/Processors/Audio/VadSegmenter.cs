namespace Maas.Pipelines.Processors.Audio;

/// <summary>
/// Silero's <c>get_speech_timestamps</c>, streamed: the same triggered / tentative-end state
/// machine and the same padding rule (pad each side by <c>speech_pad</c>, or split a gap shorter
/// than twice the pad between its two segments), fed frame by frame. A closed segment waits
/// until its padded end is certain (the next kept segment cannot come within twice the pad)
/// before it is emitted. Times are stream sample indices; one instance per stream.
/// </summary>
internal sealed class VadSegmenter
{
    private readonly List<(long Start, long End)> _all = [];
    private bool _triggered;
    private long _currentStart;
    private long _tempEnd = -1;
    private long _frames;
    private (long Start, long End)? _pending;

    /// <summary>
    /// The stream's real length in samples, once known (its last request): no segment ends past
    /// it. Null: the end of the last whole frame.
    /// </summary>
    public long? StreamSamples { get; set; }

    /// <summary>Every segment emitted so far in this stream.</summary>
    public IReadOnlyList<(long Start, long End)> All => _all;

    /// <summary>Feeds the probabilities of the next frames; adds the segments that became final to <paramref name="emitted"/>.</summary>
    public void Push(VadSettings settings, ReadOnlySpan<float> probabilities, List<(long Start, long End)> emitted)
    {
        foreach (var p in probabilities)
        {
            var position = _frames * settings.FrameSamples;
            if (p >= settings.Threshold && _tempEnd >= 0)
            {
                _tempEnd = -1;
            }

            if (p >= settings.Threshold && !_triggered)
            {
                _triggered = true;
                _currentStart = position;
            }
            else if (p < settings.NegativeThreshold && _triggered)
            {
                if (_tempEnd < 0)
                {
                    _tempEnd = position;
                }

                if (position - _tempEnd >= settings.MinSilence)
                {
                    Close(settings, _currentStart, _tempEnd, emitted);
                    _triggered = false;
                    _tempEnd = -1;
                }
            }

            _frames++;

            // The next kept segment starts no earlier than this; once that is twice the pad past
            // the pending segment's end, its padded end is final.
            var nextStart = _triggered ? _currentStart : _frames * settings.FrameSamples;
            if (_pending is { } pending && nextStart - pending.End >= 2 * settings.SpeechPad)
            {
                Emit((pending.Start, pending.End + settings.SpeechPad), emitted);
                _pending = null;
            }
        }
    }

    /// <summary>Ends the stream: closes the open segment at the stream's end and emits what is left.</summary>
    public void Finish(VadSettings settings, List<(long Start, long End)> emitted)
    {
        var length = Math.Min(_frames * settings.FrameSamples, StreamSamples ?? long.MaxValue);
        if (_triggered)
        {
            Close(settings, _currentStart, length, emitted);
            _triggered = false;
        }

        if (_pending is { } pending)
        {
            Emit((pending.Start, Math.Min(length, pending.End + settings.SpeechPad)), emitted);
            _pending = null;
        }
    }

    private void Close(VadSettings settings, long start, long end, List<(long Start, long End)> emitted)
    {
        if (end - start <= settings.MinSpeech)
        {
            return;
        }

        var pad = settings.SpeechPad;
        if (_pending is not { } previous)
        {
            _pending = (Math.Max(0, start - pad), end);
            return;
        }

        var gap = start - previous.End;
        if (gap < 2 * pad)
        {
            Emit((previous.Start, previous.End + (gap / 2)), emitted);
            _pending = (Math.Max(0, start - (gap / 2)), end);
        }
        else
        {
            Emit((previous.Start, previous.End + pad), emitted);
            _pending = (Math.Max(0, start - pad), end);
        }
    }

    private void Emit((long Start, long End) segment, List<(long Start, long End)> emitted)
    {
        if (StreamSamples is { } end)
        {
            segment = (Math.Min(segment.Start, end), Math.Min(segment.End, end));
        }

        emitted.Add(segment);
        _all.Add(segment);
    }
}
