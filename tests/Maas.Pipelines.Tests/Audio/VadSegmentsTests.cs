using Maas.Errors;
using Maas.Pipelines.Processors.Audio;
using Maas.Tensors;

namespace Maas.Pipelines.Tests.Audio;

public sealed class VadSegmentsTests
{
    [Fact]
    public void A_burst_of_speech_becomes_one_padded_segment()
    {
        // Frames 10..39 are speech: start 10 * 512 - 480 (30 ms pad), end 40 * 512 + 480.
        var probabilities = Pattern((10, 0.01f), (30, 0.9f), (20, 0.01f));

        var outputs = Run.Step(Run.Create(new VadSegmentsFactory()), "probabilities", Run.Floats("probabilities", probabilities, probabilities.Length, 1));

        Assert.Equal([1, 2], outputs.Shape("segments"));
        Assert.Equal([4640 / 16000f, 20960 / 16000f], outputs.Floats("segments"));
        Assert.Equal(outputs.Floats("segments"), outputs.Floats("all_segments"));
        Assert.Equal(probabilities, outputs.Floats("speech_probability"));
        Assert.Equal([probabilities.Length], outputs.Shape("speech_probability"));
    }

    [Fact]
    public void Speech_shorter_than_min_speech_and_probabilities_between_the_thresholds_do_not_make_segments()
    {
        var probabilities = Pattern((10, 0.01f), (7, 0.9f), (20, 0.01f), (40, 0.45f));

        var outputs = Run.Step(Run.Create(new VadSegmentsFactory()), "probabilities", Run.Floats("probabilities", probabilities));

        Assert.Equal([0, 2], outputs.Shape("segments"));
    }

    [Fact]
    public void A_dip_shorter_than_min_silence_or_above_the_negative_threshold_does_not_split_a_segment()
    {
        var probabilities = Pattern((20, 0.9f), (3, 0.01f), (20, 0.9f), (30, 0.4f), (20, 0.9f), (10, 0.01f));

        var segments = Run.Step(Run.Create(new VadSegmentsFactory()), "probabilities", Run.Floats("probabilities", probabilities)).Floats("segments");

        Assert.Equal([0f, ((93 * 512) + 480) / 16000f], segments);
    }

    [Fact]
    public void Segments_closer_than_twice_the_pad_share_the_gap()
    {
        // Pad 100 ms (1600 samples): the 5-frame gap (2560 samples) is split at its middle.
        var probabilities = Pattern((20, 0.9f), (5, 0.01f), (20, 0.9f), (20, 0.01f));

        var segments = Run.Step(Run.Create(new VadSegmentsFactory(), """{"speech_pad_ms": 100}"""), "probabilities", Run.Floats("probabilities", probabilities)).Floats("segments");

        Assert.Equal([0f, ((20 * 512) + 1280) / 16000f, ((25 * 512) - 1280) / 16000f, ((45 * 512) + 1600) / 16000f], segments);
    }

    [Fact]
    public void Speech_running_to_the_end_is_closed_at_the_end_of_the_stream()
    {
        var probabilities = Pattern((30, 0.01f), (20, 0.95f));

        var segments = Run.Step(Run.Create(new VadSegmentsFactory()), "probabilities", Run.Floats("probabilities", probabilities)).Floats("segments");

        Assert.Equal([((30 * 512) - 480) / 16000f, (50 * 512) / 16000f], segments);
    }

    [Fact]
    public void With_stream_samples_a_segment_running_to_the_end_stops_at_the_last_real_sample()
    {
        // 50 frames = 25600 samples, of which the last 300 are the zero padding of the last frame.
        var probabilities = Pattern((30, 0.01f), (20, 0.95f));
        var processor = Run.Create(new VadSegmentsFactory());
        Dictionary<string, Tensor> Inputs(float[] p, long samples) => new() { ["probabilities"] = Run.Floats("probabilities", p), ["stream_samples"] = Run.Long("stream_samples", samples) };

        var segments = Run.Step(processor, Inputs(probabilities, 25300)).Floats("segments");
        Assert.Equal([((30 * 512) - 480) / 16000f, 25300 / 16000f], segments);

        // In a sequence the length that counts is the one of the last request: speech still open
        // at the end (one silent frame is too short to close it) ends at the audio's 25400.
        var closed = Pattern((30, 0.01f), (19, 0.95f), (1, 0.01f));
        var state = new Dictionary<string, object>();
        Run.Step(processor, Inputs(closed[..40], 20480), new("s", start: true, end: false, state));
        var last = Run.Step(processor, Inputs(closed[40..], 25400), new("s", start: false, end: true, state));
        Assert.Equal([((30 * 512) - 480) / 16000f, 25400 / 16000f], last.Floats("all_segments"));
    }

    [Fact]
    public void Bad_stream_samples_are_refused()
    {
        var processor = Run.Create(new VadSegmentsFactory());
        var error = Assert.Throws<MaasError>(() => Run.Step(processor, new Dictionary<string, Tensor>
        {
            ["probabilities"] = Run.Floats("probabilities", [0.1f]),
            ["stream_samples"] = Run.Long("stream_samples", -1),
        }));
        Assert.Contains("'stream_samples'", error.Message, StringComparison.Ordinal);
        Assert.Contains("non-negative", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_sequence_fed_in_chunks_emits_each_segment_once_and_all_of_them_at_the_end()
    {
        var probabilities = Pattern((10, 0.01f), (30, 0.9f), (20, 0.01f), (12, 0.8f), (6, 0.02f), (30, 0.7f), (6, 0.1f), (25, 0.99f));
        var processor = Run.Create(new VadSegmentsFactory(), """{"speech_pad_ms": 100}""");
        var whole = Run.Step(processor, "probabilities", Run.Floats("probabilities", probabilities)).Floats("segments");
        Assert.Equal(8, whole.Length);

        int[] cuts = [0, 1, 13, 13, 50, 51, 90, 120, probabilities.Length];
        var state = new Dictionary<string, object>();
        var streamed = new List<float>();
        float[] all = [];
        for (var i = 0; i + 1 < cuts.Length; i++)
        {
            var outputs = Run.Step(processor, "probabilities", Run.Floats("probabilities", probabilities[cuts[i]..cuts[i + 1]]), Run.Sequence(state, i, cuts.Length - 1));
            streamed.AddRange(outputs.Floats("segments"));
            all = outputs.Floats("all_segments");
            if (i + 2 < cuts.Length)
            {
                Assert.Equal([0, 2], outputs.Shape("all_segments"));
            }
        }

        Assert.Equal(whole, streamed);
        Assert.Equal(whole, all);
    }

    [Fact]
    public void A_segment_is_emitted_before_the_sequence_ends_once_it_is_final()
    {
        var processor = Run.Create(new VadSegmentsFactory());
        var state = new Dictionary<string, object>();
        var speech = Pattern((10, 0.01f), (30, 0.9f), (10, 0.01f));

        var first = Run.Step(processor, "probabilities", Run.Floats("probabilities", speech), new("s", start: true, end: false, state));
        var last = Run.Step(processor, "probabilities", Run.Floats("probabilities", Pattern((5, 0.01f))), new("s", start: false, end: true, state));

        Assert.Equal([4640 / 16000f, 20960 / 16000f], first.Floats("segments"));
        Assert.Equal([0, 2], last.Shape("segments"));
        Assert.Equal([4640 / 16000f, 20960 / 16000f], last.Floats("all_segments"));
    }

    [Fact]
    public void Bad_probabilities_and_options_are_refused()
    {
        var processor = Run.Create(new VadSegmentsFactory());
        var nan = Assert.Throws<MaasError>(() => Run.Step(processor, "probabilities", Run.Floats("probabilities", [0.1f, float.NaN])));
        var shape = Assert.Throws<MaasError>(() => Run.Step(processor, "probabilities", Run.Floats("probabilities", new float[4], 2, 2)));
        var options = Assert.Throws<MaasError>(() => Run.Create(new VadSegmentsFactory(), """{"threshold": 0.3, "negative_threshold": 0.6}"""));

        Assert.Contains("has NaN at frame 1", nan.Message, StringComparison.Ordinal);
        Assert.Contains("it must be [F] or [F, 1]", shape.Message, StringComparison.Ordinal);
        Assert.Contains("'negative_threshold' (0.6) is above 'threshold' (0.3)", options.Message, StringComparison.Ordinal);
    }

    internal static float[] Pattern(params (int Frames, float Probability)[] runs)
    {
        var values = new List<float>();
        foreach (var (frames, probability) in runs)
        {
            values.AddRange(Enumerable.Repeat(probability, frames));
        }

        return [.. values];
    }
}
