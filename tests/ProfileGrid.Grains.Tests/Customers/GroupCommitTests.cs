using ProfileGrid.Customers;

namespace ProfileGrid.Grains.Tests.Customers;

/// <summary>Group commit with writes the test completes by hand, one at a time.</summary>
public sealed class GroupCommitTests
{
    private readonly List<TaskCompletionSource<long>> _writes = [];
    private readonly GroupCommit _commit;

    public GroupCommitTests() => _commit = new GroupCommit(() =>
    {
        var write = new TaskCompletionSource<long>();
        _writes.Add(write);
        return write.Task;
    });

    [Fact]
    public async Task Changes_made_while_a_write_is_in_flight_share_the_next_write()
    {
        var first = _commit.Commit();
        var second = _commit.Commit();
        var third = _commit.Commit();

        Assert.Single(_writes);
        _writes[0].SetResult(1);
        Assert.Equal(1, await first);
        Assert.False(second.IsCompleted);
        Assert.Equal(2, _writes.Count);
        _writes[1].SetResult(2);

        Assert.Equal(2, await second);
        Assert.Equal(2, await third);
        Assert.False(_commit.Busy);
    }

    [Fact]
    public async Task A_failed_write_fails_its_callers_and_every_change_made_since()
    {
        var first = _commit.Commit();
        var second = _commit.Commit();

        _writes[0].SetException(new IOException("down"));

        await Assert.ThrowsAsync<IOException>(() => first);
        await Assert.ThrowsAsync<IOException>(() => second);
        Assert.Single(_writes);
        Assert.False(_commit.Busy);
    }

    [Fact]
    public async Task Flushed_waits_for_every_change_made_so_far_and_no_more()
    {
        Assert.True(_commit.Flushed().IsCompletedSuccessfully);
        _ = _commit.Commit();
        _ = _commit.Commit();
        var flushed = _commit.Flushed();

        _writes[0].SetResult(1);
        await Task.Yield();
        Assert.False(flushed.IsCompleted);
        _writes[1].SetResult(2);

        await flushed;
        Assert.True(_commit.Flushed().IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Abandoned_changes_fail_and_are_never_written()
    {
        var inFlight = _commit.Commit();
        var abandoned = _commit.Commit();

        _commit.Abandon(new InvalidOperationException("memory is discarded"));
        _writes[0].SetResult(1);

        Assert.Equal(1, await inFlight);
        await Assert.ThrowsAsync<InvalidOperationException>(() => abandoned);
        Assert.Single(_writes);
    }

    [Fact]
    public async Task After_a_quiet_spell_the_next_change_starts_a_write_at_once()
    {
        var first = _commit.Commit();
        _writes[0].SetResult(1);
        await first;

        var next = _commit.Commit();

        Assert.Equal(2, _writes.Count);
        _writes[1].SetResult(2);
        Assert.Equal(2, await next);
    }
}
