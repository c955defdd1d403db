using Maas.Errors;
using Maas.Pipelines.Execution;
using Maas.Pipelines.Graph;
using Microsoft.Extensions.Time.Testing;

namespace Maas.Pipelines.Tests.Execution;

public sealed class SequenceStoreTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task An_idle_sequence_expires_with_its_state_after_the_timeout()
    {
        using var store = new SequenceStore("vad", new SequenceOptions(TimeSpan.FromSeconds(10), 16), _time);
        using (var first = await store.EnterAsync(Parameters(5L, start: true), default))
        {
            first!.Context.GetState("step", () => new List<int>()).Add(1);
        }

        _time.Advance(TimeSpan.FromSeconds(9));
        using (var second = await store.EnterAsync(Parameters(5L), default))
        {
            Assert.Single(second!.Context.GetState("step", () => new List<int>()));
        }

        _time.Advance(TimeSpan.FromSeconds(13));

        var error = await Assert.ThrowsAsync<MaasError>(() => store.EnterAsync(Parameters(5L), default));
        Assert.Equal(MaasErrorCode.InvalidArgument, error.Code);
        Assert.Contains("Sequence 5 of model 'vad' is not active", error.Message, StringComparison.Ordinal);
        Assert.Contains("after 10 s without a request", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public async Task A_sequence_whose_request_is_running_is_never_swept()
    {
        using var store = new SequenceStore("vad", new SequenceOptions(TimeSpan.FromSeconds(1), 16), _time);
        var running = await store.EnterAsync(Parameters("long", start: true), default);

        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(1, store.Count);
        running!.Dispose();

        using var next = await store.EnterAsync(Parameters("long", end: true), default);
        Assert.False(next!.Context.Start);
    }

    [Fact]
    public async Task A_full_store_refuses_new_starts_until_a_sequence_ends()
    {
        using var store = new SequenceStore("vad", new SequenceOptions(TimeSpan.FromMinutes(1), 2), _time);
        (await store.EnterAsync(Parameters(1L, start: true), default))!.Dispose();
        (await store.EnterAsync(Parameters(2L, start: true), default))!.Dispose();

        var full = await Assert.ThrowsAsync<MaasError>(() => store.EnterAsync(Parameters(3L, start: true), default));
        Assert.Equal(MaasErrorCode.ResourceExhausted, full.Code);
        Assert.Contains("holds 2 sequences, its limit (pipeline.sequence.max_sequences)", full.Message, StringComparison.Ordinal);

        (await store.EnterAsync(Parameters(1L, end: true), default))!.Dispose();
        using var third = await store.EnterAsync(Parameters(3L, start: true), default);
        Assert.True(third!.Context.Start);
    }

    [Fact]
    public async Task Requests_of_one_sequence_take_turns_in_arrival_order()
    {
        using var store = new SequenceStore("vad", new SequenceOptions(TimeSpan.FromMinutes(1), 16), _time);
        var first = await store.EnterAsync(Parameters(9L, start: true), default);
        var order = new List<int>();
        var waiting = Enumerable.Range(1, 5).Select(async i =>
        {
            using var turn = await store.EnterAsync(Parameters(9L), default);
            order.Add(i);
        }).ToList();

        Assert.All(waiting, t => Assert.False(t.IsCompleted));
        first!.Dispose();
        await Task.WhenAll(waiting);

        Assert.Equal([1, 2, 3, 4, 5], order);
    }

    [Fact]
    public async Task A_new_start_replaces_the_sequence_and_requests_waiting_for_the_old_one_are_refused()
    {
        using var store = new SequenceStore("vad", new SequenceOptions(TimeSpan.FromMinutes(1), 16), _time);
        var running = await store.EnterAsync(Parameters(4L, start: true), default);
        running!.Context.GetState("step", () => new List<int>()).Add(1);
        var waiting = store.EnterAsync(Parameters(4L), default);
        Assert.False(waiting.IsCompleted);

        using (var restarted = await store.EnterAsync(Parameters(4L, start: true), default))
        {
            // The old request still holds the old turn, yet the new start runs at once, on fresh state.
            Assert.Empty(restarted!.Context.GetState("step", () => new List<int>()));
        }

        running.Dispose();
        var refused = await Assert.ThrowsAsync<MaasError>(() => waiting);
        Assert.Contains("Sequence 4 of model 'vad' ended or expired while this request waited", refused.Message, StringComparison.Ordinal);
        Assert.Equal(1, store.Count);
    }

    [Fact]
    public async Task A_discarded_turn_ends_its_sequence()
    {
        using var store = new SequenceStore("vad", new SequenceOptions(TimeSpan.FromMinutes(1), 16), _time);
        using (var turn = await store.EnterAsync(Parameters(6L, start: true), default))
        {
            turn!.Discard();
        }

        var error = await Assert.ThrowsAsync<MaasError>(() => store.EnterAsync(Parameters(6L), default));
        Assert.Contains("Sequence 6 of model 'vad' is not active", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, store.Count);
    }

    [Theory]
    [InlineData(0L, "must be a positive integer or a non-empty string")]
    [InlineData(-4L, "must be a positive integer or a non-empty string")]
    [InlineData("", "must be a positive integer or a non-empty string")]
    [InlineData(1.5, "must be a positive integer or a non-empty string")]
    public async Task Malformed_sequence_ids_are_refused(object id, string expected)
    {
        using var store = new SequenceStore("vad", new SequenceOptions(TimeSpan.FromMinutes(1), 16), _time);

        var error = await Assert.ThrowsAsync<MaasError>(() => store.EnterAsync(Parameters(id, start: true), default));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Flags_without_an_id_are_refused_and_no_parameters_mean_no_sequence()
    {
        using var store = new SequenceStore("vad", new SequenceOptions(TimeSpan.FromMinutes(1), 16), _time);

        var error = await Assert.ThrowsAsync<MaasError>(() => store.EnterAsync(new Dictionary<string, object> { ["sequence_start"] = true }, default));
        Assert.Contains("sent without sequence_id", error.Message, StringComparison.Ordinal);
        Assert.Null(await store.EnterAsync(null, default));
        Assert.Null(await store.EnterAsync(new Dictionary<string, object> { ["priority"] = 1L }, default));
    }

    [Fact]
    public async Task A_string_id_and_the_same_digits_as_a_number_are_different_sequences()
    {
        using var store = new SequenceStore("vad", new SequenceOptions(TimeSpan.FromMinutes(1), 16), _time);
        (await store.EnterAsync(Parameters(7L, start: true), default))!.Dispose();

        var error = await Assert.ThrowsAsync<MaasError>(() => store.EnterAsync(Parameters("7"), default));

        Assert.Contains("is not active", error.Message, StringComparison.Ordinal);
    }

    private static Dictionary<string, object> Parameters(object id, bool start = false, bool end = false) => new()
    {
        ["sequence_id"] = id,
        ["sequence_start"] = start,
        ["sequence_end"] = end,
    };
}
