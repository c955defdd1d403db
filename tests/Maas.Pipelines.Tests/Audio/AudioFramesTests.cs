using Maas.Errors;
using Maas.Pipelines.Processors.Audio;
using Maas.Tensors;

namespace Maas.Pipelines.Tests.Audio;

public sealed class AudioFramesTests
{
    private static readonly float[] Stream = Numbered(1200);

    [Fact]
    public void A_stateless_request_gives_context_plus_frame_rows_and_pads_the_rest()
    {
        var outputs = Run.Step(Run.Create(new AudioFramesFactory()), "samples", Run.Floats("samples", Stream));

        Assert.Equal([3, 576], outputs.Shape("frames"));
        Assert.Equal(DataType.Fp32, outputs.Type("frames"));
        Assert.Equal([0L, 512, 1024], outputs.Longs("frame_start"));
        Assert.Equal([], outputs.Shape("stream_samples"));
        Assert.Equal([1200L], outputs.Longs("stream_samples"));             // the padding is not counted
        var rows = outputs.Floats("frames");
        Assert.All(rows[..64], x => Assert.Equal(0f, x));                    // the first context is zeros
        Assert.Equal(Stream[..512], rows[64..576]);                          // then the first frame
        Assert.Equal(Stream[448..512], rows[576..640]);                      // the next context ends the previous row
        Assert.Equal(Stream[512..1024], rows[640..1152]);
        Assert.Equal(Stream[960..1024], rows[1152..1216]);
        Assert.Equal(Stream[1024..1200], rows[1216..1392]);                  // the leftover ...
        Assert.All(rows[1392..], x => Assert.Equal(0f, x));                  // ... zero-padded
    }

    [Fact]
    public void Without_pad_end_the_leftover_is_dropped()
    {
        var outputs = Run.Step(Run.Create(new AudioFramesFactory(), """{"pad_end": false}"""), "samples", Run.Floats("samples", Stream));

        Assert.Equal([2, 576], outputs.Shape("frames"));
        Assert.Equal([0L, 512], outputs.Longs("frame_start"));
    }

    [Fact]
    public void A_sequence_in_uneven_chunks_gives_the_rows_of_the_whole_stream()
    {
        var processor = Run.Create(new AudioFramesFactory(), """{"frame": 160, "context": 40}""");
        var whole = Run.Step(processor, "samples", Run.Floats("samples", Stream));

        int[] cuts = [0, 7, 7, 300, 481, 1000, 1199, 1200];
        var state = new Dictionary<string, object>();
        var rows = new List<float>();
        var starts = new List<long>();
        for (var i = 0; i + 1 < cuts.Length; i++)
        {
            var outputs = Run.Step(processor, "samples", Run.Floats("samples", Stream[cuts[i]..cuts[i + 1]]), Run.Sequence(state, i, cuts.Length - 1));
            Assert.Equal(outputs.Longs("frame_start").Length, outputs.Shape("frames")[0]);
            Assert.Equal(200, outputs.Shape("frames")[1]);
            Assert.Equal([(long)cuts[i + 1]], outputs.Longs("stream_samples"));
            rows.AddRange(outputs.Floats("frames"));
            starts.AddRange(outputs.Longs("frame_start"));
        }

        Assert.Equal(whole.Floats("frames"), rows);
        Assert.Equal(whole.Longs("frame_start"), starts);
        Assert.Equal(8, starts.Count); // 7 whole frames of 160 and the padded 80 left
    }

    [Fact]
    public void Too_few_samples_give_zero_rows_until_the_sequence_ends()
    {
        var processor = Run.Create(new AudioFramesFactory());
        var state = new Dictionary<string, object>();

        var first = Run.Step(processor, "samples", Run.Floats("samples", Stream[..100]), new("s", start: true, end: false, state));
        var last = Run.Step(processor, "samples", Run.Floats("samples", []), new("s", start: false, end: true, state));

        Assert.Equal([0, 576], first.Shape("frames"));
        Assert.Empty(first.Longs("frame_start"));
        Assert.Equal([1, 576], last.Shape("frames"));
        Assert.Equal(Stream[..100], last.Floats("frames")[64..164]);
    }

    [Fact]
    public void A_new_sequence_start_forgets_the_previous_stream()
    {
        var processor = Run.Create(new AudioFramesFactory());
        var state = new Dictionary<string, object>();
        Run.Step(processor, "samples", Run.Floats("samples", Stream[..700]), new("s", start: true, end: false, state));

        var restarted = Run.Step(processor, "samples", Run.Floats("samples", Stream[..512]), new("s", start: true, end: false, state));

        Assert.Equal([0L], restarted.Longs("frame_start"));
        Assert.All(restarted.Floats("frames")[..64], x => Assert.Equal(0f, x));
    }

    [Fact]
    public void Samples_of_the_wrong_shape_or_options_out_of_range_are_refused()
    {
        var processor = Run.Create(new AudioFramesFactory());
        var shape = Assert.Throws<MaasError>(() => Run.Step(processor, "samples", Run.Floats("samples", new float[8], 2, 4)));
        var options = Assert.Throws<MaasError>(() => Run.Create(new AudioFramesFactory(), """{"frame": 32, "context": 64}"""));

        Assert.Contains("has shape [2,4]; it must be [S] (or [1, S])", shape.Message, StringComparison.Ordinal);
        Assert.Contains("'context' (64) is longer than 'frame' (32)", options.Message, StringComparison.Ordinal);
    }

    private static float[] Numbered(int count)
    {
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = i + 1;
        }

        return values;
    }
}
