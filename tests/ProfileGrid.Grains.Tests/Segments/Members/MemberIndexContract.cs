using Orleans.Storage;
using ProfileGrid.Segments;
using ProfileGrid.Segments.Members;
using ProfileGrid.Storage;

namespace ProfileGrid.Grains.Tests.Segments.Members;

/// <summary>
/// What a shard's member index does on a journal storage (each store runs it through a subclass): members in id
/// order across pages, read back as stored, counted from the directory, pages split and merged within their bounds,
/// announcements sent again ignored, erased ids gone from every row, and no member lost, doubled or left in an unused
/// row by a write that fails anywhere in a split.
/// </summary>
public abstract class MemberIndexContract
{
    /// <summary>Pages of at most 8 members: a few dozen customers make several pages.</summary>
    protected static readonly SegmentMembersOptions SmallPages = new() { PageMembers = 8 };

    protected static readonly DateTimeOffset At = new(2026, 12, 5, 9, 0, 0, TimeSpan.Zero);

    /// <summary>The storage; tests use shards of their own (<see cref="NewShard"/>).</summary>
    protected abstract IJournalStorage Storage { get; }

    [Fact]
    public async Task Members_come_in_id_order_across_pages_and_page_through_from_any_id()
    {
        var shard = NewShard();
        var index = await Open(shard);
        string[] ids = [.. Enumerable.Range(0, 100).Select(i => $"c-{i * 37 % 100:D3}")];
        foreach (var id in ids) await index.UpdateAsync([Enter(id)]);

        var all = await index.MembersAsync(null, 1000);
        var paged = await PagedMembers.ReadAllAsync(async after => await index.MembersAsync(after, 7));

        string[] sorted = [.. ids.Order(StringComparer.Ordinal)];
        Assert.Equal(sorted, all.Select(member => member.CustomerId));
        Assert.Equal(sorted, paged);
        Assert.Equal(["c-050", "c-051", "c-052"], (await index.MembersAsync("c-049", 3)).Select(member => member.CustomerId));
        Assert.Equal(["c-050"], (await index.MembersAsync("c-04999", 1)).Select(member => member.CustomerId));
        Assert.Empty(await index.MembersAsync("c-099", 10));
        Assert.Equal(100, index.Count);
        // The 64 changes of the first full log went into the one page there was, which split into 11 pages of 5 or 6.
        Assert.Equal(11, index.PageCount);
    }

    [Fact]
    public async Task A_shard_reads_back_what_it_stored_whether_its_log_was_carried_into_pages_or_not()
    {
        var shard = NewShard();
        var index = await Open(shard);
        for (var i = 0; i < 70; i++) await index.UpdateAsync([Enter($"c-{i:D2}", sequence: i + 1, at: At.AddMinutes(i))]);
        await index.UpdateAsync([Leave("c-07", sequence: 100), Enter("c-08", sequence: 200)]);

        var read = await Open(shard);

        Assert.Equal(69, read.Count);
        Assert.Equal(await index.MembersAsync(null, 1000), await read.MembersAsync(null, 1000));
        Assert.Null(await read.FindAsync("c-07"));
        Assert.Equal(new MemberRecord(At.AddMinutes(8).UtcTicks, 200), await read.FindAsync("c-08"));
        Assert.Equal(new MemberRecord(At.AddMinutes(69).UtcTicks, 70), await read.FindAsync("c-69"));
    }

    [Fact]
    public async Task The_count_comes_from_the_directory_without_reading_a_page()
    {
        var shard = NewShard();
        var index = await Open(shard);
        for (var i = 0; i < 100; i++) await index.UpdateAsync([Enter($"c-{i:D3}")]);
        var storage = new FlakyJournalStorage(Storage);

        var read = await MemberIndex.OpenAsync(storage, SerializerFixture.Codec, shard, SmallPages);

        Assert.Equal(100, read.Count);
        Assert.Equal(0, read.CachedMembers);
        // The directory, and the row of the next page id, where a checkpoint that failed would have written first.
        Assert.Equal(2, storage.Reads);
        Assert.Equal(0, storage.Writes);
    }

    [Fact]
    public async Task A_customer_who_is_not_a_member_enters_without_its_page_being_read_again()
    {
        var shard = NewShard();
        var index = await Open(shard);
        await index.UpdateAsync([.. Enumerable.Range(0, 64).Select(i => Enter($"c-{i:D3}"))]);
        await Checkpoint(index);
        var storage = new FlakyJournalStorage(Storage);
        // A cache of one page: reading the page of c-010 puts the page of c-000 out of memory.
        var read = await MemberIndex.OpenAsync(storage, SerializerFixture.Codec, shard, new SegmentMembersOptions { PageMembers = 8, CachedMembers = 1 });
        await read.UpdateAsync([Enter("c-000", sequence: 1)]);
        await read.FindAsync("c-010");
        var readsBefore = storage.Reads;

        // Ids between c-000 and c-004 fall in the first page: its filter knows they are not members.
        var news = await read.UpdateAsync([Enter("c-000a"), Enter("c-000b"), Enter("c-001a")]);
        var stranger = await read.FindAsync("c-002a");
        var readsOfNewcomers = storage.Reads - readsBefore;
        var member = await read.FindAsync("c-000b");

        Assert.Equal(3, news.Count);
        Assert.Equal(0, readsOfNewcomers);
        Assert.Null(stranger);
        Assert.Equal(new MemberRecord(At.UtcTicks, 0), member);
        Assert.Equal(readsBefore + 1, storage.Reads);
        Assert.Equal(67, read.Count);
    }

    [Fact]
    public async Task A_call_is_one_write_and_a_full_log_is_carried_into_the_pages_it_touched()
    {
        var shard = NewShard();
        var storage = new FlakyJournalStorage(Storage);
        var index = await MemberIndex.OpenAsync(storage, SerializerFixture.Codec, shard, SmallPages);
        for (var i = 0; i < 64; i++) await index.UpdateAsync([Enter($"c-{i:D3}")]);
        var writesForAFullLog = storage.Writes;

        await index.UpdateAsync([Enter("c-064")]);

        Assert.Equal(64, writesForAFullLog);
        // The checkpoint: the one page's 64 members go to 11 new rows, then the directory's snapshot; then the call's own entry.
        // (The first page had never been written: a page row is written when it first has members.)
        Assert.Equal(64 + 11 + 1 + 1, storage.Writes);
        var rows = await ShardRows.ReadAsync(Storage, shard);
        Assert.Equal(Enumerable.Range(1, 11), rows.Directory.PageIds);
        Assert.Equal(Enumerable.Range(1, 11), rows.PageMembers().Keys.Order());
        Assert.Equal([6, 6, 6, 6, 6, 5, 6, 6, 6, 6, 5], rows.Directory.PageIds.Select(pageId => rows.PageMembers()[pageId].Length));
    }

    [Fact]
    public async Task Pages_split_as_a_shard_grows_and_merge_as_it_shrinks()
    {
        var shard = NewShard();
        var index = await Open(shard);
        string[] ids = [.. Enumerable.Range(0, 16).Select(i => $"m-{i:D2}")];
        await index.UpdateAsync([.. ids.Select(id => Enter(id))]);
        await Checkpoint(index);
        var split = index.PageCount;

        // Pages of 6, 5 and 5; the second and third keep one member each and merge.
        await index.UpdateAsync([.. ids.Where((_, i) => i % 4 != 0).Select(id => Leave(id))]);
        await Checkpoint(index);

        Assert.Equal(3, split);
        Assert.Equal(2, index.PageCount);
        Assert.Equal(["m-00", "m-04", "m-08", "m-12"], (await index.MembersAsync(null, 100)).Select(member => member.CustomerId));
        var rows = await ShardRows.ReadAsync(Storage, shard);
        Assert.Equal(["m-00", "m-04", "m-08", "m-12"], rows.AssertConsistent());
        Assert.Equal([["m-00", "m-04"], ["m-08", "m-12"]], rows.Directory.PageIds.Select(pageId => rows.PageMembers()[pageId]));
        // The two rows they replaced are blank, kept for the next split.
        Assert.Equal([2, 3], rows.PageMembers().Where(page => page.Value.Length == 0).Select(page => page.Key).Order());
        Assert.Equal([1, 4], rows.Directory.PageIds);
    }

    [Fact]
    public async Task A_page_that_empties_goes_and_its_neighbour_takes_its_range()
    {
        var shard = NewShard();
        var index = await Open(shard);
        string[] ids = [.. Enumerable.Range(0, 16).Select(i => $"m-{i:D2}")];
        await index.UpdateAsync([.. ids.Select(id => Enter(id))]);
        await Checkpoint(index);

        await index.UpdateAsync([.. ids[..8].Select(id => Leave(id))]);
        await Checkpoint(index);
        await index.UpdateAsync([Enter("m-01"), Enter("a")]);

        Assert.Equal(2, index.PageCount);
        Assert.Equal(["a", "m-01", "m-08", "m-09", "m-10", "m-11", "m-12", "m-13", "m-14", "m-15"], (await index.MembersAsync(null, 100)).Select(member => member.CustomerId));
        Assert.Equal(10, index.Count);
    }

    [Fact]
    public async Task An_announcement_sent_again_after_a_newer_one_does_not_undo_it()
    {
        var index = await Open(NewShard());
        var entered = Enter("ann", sequence: 2);
        var refreshed = Enter("ann", sequence: 5, at: At.AddHours(1));
        var staleLeave = Leave("ann", sequence: 4);
        var leave = Leave("ann", sequence: 6);

        var news = new[]
        {
            await index.UpdateAsync([entered]),
            await index.UpdateAsync([refreshed]),
            await index.UpdateAsync([staleLeave]),
            await index.UpdateAsync([entered]),
        };
        var member = await index.FindAsync("ann");
        var left = await index.UpdateAsync([leave]);
        var again = await index.UpdateAsync([leave, staleLeave]);

        Assert.Equal([[entered], [], [], []], news);
        Assert.Equal(new MemberRecord(At.UtcTicks, 5), member);
        Assert.Equal([leave], left);
        Assert.Empty(again);
        Assert.Null(await index.FindAsync("ann"));
        Assert.Equal(0, index.Count);
    }

    [Fact]
    public async Task Changes_of_one_call_apply_in_order()
    {
        var index = await Open(NewShard());

        var news = await index.UpdateAsync([Enter("ann"), Leave("ann"), Enter("bob"), Enter("ann", at: At.AddMinutes(5)), Leave("carl")]);

        Assert.Equal(["ann+", "ann-", "bob+", "ann+"], news.Select(change => change.CustomerId + (change.Entered ? "+" : "-")));
        Assert.Equal(new MemberRecord(At.AddMinutes(5).UtcTicks, 0), await index.FindAsync("ann"));
        Assert.Equal(2, index.Count);
    }

    [Fact]
    public async Task Erasing_a_member_rewrites_its_page_and_the_directory_so_that_no_row_keeps_its_id()
    {
        var shard = NewShard();
        var index = await Open(shard);
        string[] ids = [.. Enumerable.Range(0, 16).Select(i => $"m-{i:D2}")];
        await index.UpdateAsync([.. ids.Select(id => Enter(id))]);
        await Checkpoint(index);
        // m-06 is the first member of the second page (of 6, 5 and 5), so the directory names it; its page journal and the log hold it too.
        await index.UpdateAsync([Enter("m-06", sequence: 3)]);
        await index.UpdateAsync([Enter("m-07", sequence: 3)]);
        var before = await ShardRows.ReadAsync(Storage, shard);

        await index.UpdateAsync([Leave("m-06", sequence: 4) with { Erased = true }]);
        await index.EraseAsync(["m-06"]);

        var after = await ShardRows.ReadAsync(Storage, shard);
        Assert.Equal([shard + "/d", shard + "/p2"], before.Holding("m-06"));
        Assert.Empty(after.Holding("m-06"));
        Assert.Equal([.. ids.Where(id => id != "m-06")], after.AssertConsistent());
        Assert.Equal("m-07", after.Directory.LowKeys[1]);
    }

    [Fact]
    public async Task Erasing_a_customer_who_left_before_scrubs_the_entries_that_still_named_it()
    {
        var shard = NewShard();
        var index = await Open(shard);
        await index.UpdateAsync([Enter("ann"), Enter("bob")]);
        await Checkpoint(index);
        await index.UpdateAsync([Leave("ann")]);
        var before = await ShardRows.ReadAsync(Storage, shard);

        var news = await index.UpdateAsync([Leave("ann") with { Erased = true }]);
        await index.EraseAsync(["ann"]);

        Assert.Empty(news);
        Assert.NotEmpty(before.Holding("ann"));
        Assert.Empty((await ShardRows.ReadAsync(Storage, shard)).Holding("ann"));
        Assert.Equal(["bob"], (await index.MembersAsync(null, 10)).Select(member => member.CustomerId));
    }

    [Fact]
    public async Task A_shard_keeps_only_some_pages_in_memory()
    {
        var index = await Open(NewShard(), new SegmentMembersOptions { PageMembers = 8, CachedMembers = 20 });
        for (var i = 0; i < 200; i += 10) await index.UpdateAsync([.. Enumerable.Range(i, 10).Select(n => Enter($"c-{n:D3}"))]);
        await Checkpoint(index);

        var members = await index.MembersAsync(null, 1000);

        Assert.Equal(200, members.Count);
        Assert.InRange(index.CachedMembers, 1, 20 + 8);
    }

    [Fact]
    public async Task An_activation_that_read_the_shard_before_another_wrote_it_can_store_nothing()
    {
        var shard = NewShard();
        var first = await Open(shard);
        await first.UpdateAsync([Enter("ann")]);
        var stale = await Open(shard);
        await first.UpdateAsync([Enter("bob")]);

        await Assert.ThrowsAsync<InconsistentStateException>(() => stale.UpdateAsync([Leave("ann"), Enter("carl")]));

        Assert.True(stale.Broken);
        Assert.Equal(["ann", "bob"], (await (await Open(shard)).MembersAsync(null, 10)).Select(member => member.CustomerId));
    }

    public static TheoryData<string> Checkpoints => ["the first split", "a split of a stored page", "a merge"];

    [Theory]
    [MemberData(nameof(Checkpoints))]
    public async Task A_write_that_fails_anywhere_in_a_checkpoint_loses_and_doubles_no_member_and_leaves_no_unused_row_holding_an_id(string checkpoint)
    {
        var (prepare, critical, expectedWrites) = Scenario(checkpoint);
        var (before, after, writes) = await Dry(prepare, critical);
        Assert.Equal(expectedWrites, writes);

        foreach (var failing in FailingWrites(writes))
        {
            foreach (var afterApplying in new[] { false, true })
            {
                var shard = NewShard();
                var storage = new FlakyJournalStorage(Storage);
                var index = await MemberIndex.OpenAsync(storage, SerializerFixture.Codec, shard, SmallPages);
                await prepare(index);
                storage.FailWrite(failing, afterApplying);

                await Assert.ThrowsAsync<StorageUnavailableException>(() => critical(index));

                // Only the call's last write stores a change (its entry in the log); a checkpoint changes no member.
                var expected = failing == writes && afterApplying ? after : before;
                var because = $"{checkpoint}: write {failing} of {writes} failed {(afterApplying ? "after" : "before")} taking effect";
                Assert.True(index.Broken, because);
                Assert.Equal(expected, await MembersAfterReopening(storage, shard, because));
            }
        }
    }

    /// <summary>Which of a call's <paramref name="writes"/> the failure tests fail, one at a time (numbered from 1): every one.</summary>
    protected virtual IEnumerable<int> FailingWrites(int writes) => Enumerable.Range(1, writes);

    /// <summary>What a scenario does before the call that fails, that call, and how many writes it makes.</summary>
    private static (Func<MemberIndex, Task> Prepare, Func<MemberIndex, Task> Critical, int Writes) Scenario(string checkpoint)
    {
        string[] sixteen = [.. Enumerable.Range(0, 16).Select(i => $"m-{i:D2}")];
        return checkpoint switch
        {
            // The call that fills the log past 64 entries: its checkpoint moves the one page (never written) to 11 new
            // rows and writes the directory; then the call logs its own change.
            "the first split" => (
                async index =>
                {
                    for (var i = 0; i < 64; i++) await index.UpdateAsync([Enter($"c-{i:D3}")]);
                },
                index => index.UpdateAsync([Enter("c-064")]),
                11 + 1 + 1),
            // Stored pages of 6, 5 and 5; the last takes five more and splits into two new rows; the page the erased
            // id falls in is rewritten in place; the directory; the old row blanked.
            "a split of a stored page" => (
                async index =>
                {
                    await index.UpdateAsync([.. sixteen.Select(id => Enter(id))]);
                    await Checkpoint(index);
                    await index.UpdateAsync([.. Enumerable.Range(90, 5).Select(i => Enter($"m-{i}"))]);
                },
                index => index.EraseAsync(["m-00"]),
                1 + 2 + 1 + 1),
            // The first two pages (of 6, 5 and 5) keep one member each and merge into a new row; the page the erased
            // id falls in (the last) is rewritten in place; the directory; the two old rows blanked.
            "a merge" => (
                async index =>
                {
                    await index.UpdateAsync([.. sixteen.Select(id => Enter(id))]);
                    await Checkpoint(index);
                    await index.UpdateAsync([.. sixteen[1..6].Concat(sixteen[7..11]).Select(id => Leave(id))]);
                },
                Checkpoint,
                1 + 1 + 1 + 2),
            _ => throw new ArgumentOutOfRangeException(nameof(checkpoint)),
        };
    }

    /// <summary>The members before and after the critical call, and the writes it makes, when nothing fails.</summary>
    private async Task<(string[] Before, string[] After, int Writes)> Dry(Func<MemberIndex, Task> prepare, Func<MemberIndex, Task> critical)
    {
        var storage = new FlakyJournalStorage(Storage);
        var index = await MemberIndex.OpenAsync(storage, SerializerFixture.Codec, NewShard(), SmallPages);
        await prepare(index);
        var before = (await index.MembersAsync(null, 1000)).Select(member => member.CustomerId).ToArray();
        var writes = storage.Writes;
        await critical(index);
        return (before, [.. (await index.MembersAsync(null, 1000)).Select(member => member.CustomerId)], storage.Writes - writes);
    }

    [Fact]
    public async Task A_shard_stored_before_pages_moves_into_pages_and_its_old_row_is_blanked()
    {
        var shard = NewShard();
        string[] ids = [.. Enumerable.Range(0, 20).Select(i => $"c-{i:D2}")];
        var snapshot = new SegmentMembersSnapshot(ids, [.. ids.Select((_, i) => At.AddMinutes(i).UtcTicks)], new long[ids.Length]);
        var version = await Storage.WriteAsync(shard, JournalVersion.None, JournalWrite.Snapshot(SerializerFixture.Codec.Encode(snapshot, compress: true)));
        var entry = new SegmentMembersEntry([new StoredChange("c-03", false, At.UtcTicks, 0), new StoredChange("d-new", true, At.AddHours(1).UtcTicks, 0)]);
        await Storage.WriteAsync(shard, version, JournalWrite.Append(SerializerFixture.Codec.Encode(entry, compress: false)));

        var index = await Open(shard);

        string[] expected = [.. ids.Where(id => id != "c-03"), "d-new"];
        Assert.Equal(expected, (await index.MembersAsync(null, 100)).Select(member => member.CustomerId));
        Assert.Equal(new MemberRecord(At.AddMinutes(5).UtcTicks, 0), await index.FindAsync("c-05"));
        Assert.Equal(new MemberRecord(At.AddHours(1).UtcTicks, 0), await index.FindAsync("d-new"));
        var rows = await ShardRows.ReadAsync(Storage, shard);
        Assert.Equal(expected, rows.AssertConsistent());
        Assert.Equal(4, rows.Directory.PageIds.Length);
        Assert.Equal([shard + "/p1"], rows.Holding("c-08"));
    }

    /// <summary>Reads the shard again, failing each write of that read's clean-up in turn, and checks the rows after each.</summary>
    private async Task<string[]> MembersAfterReopening(FlakyJournalStorage storage, string shard, string because)
    {
        for (var failing = 1; ; failing++)
        {
            storage.FailWrite(failing, afterApplying: failing % 2 == 0);
            var writes = storage.Writes;
            try
            {
                await MemberIndex.OpenAsync(storage, SerializerFixture.Codec, shard, SmallPages);
                break;
            }
            catch (StorageUnavailableException)
            {
                Assert.True(storage.Writes - writes == failing, because);
            }
        }

        storage.FailWrite(0, afterApplying: false);
        var index = await MemberIndex.OpenAsync(storage, SerializerFixture.Codec, shard, SmallPages);
        var members = (await index.MembersAsync(null, 1000)).Select(member => member.CustomerId).ToArray();
        var stored = (await ShardRows.ReadAsync(Storage, shard)).AssertConsistent();
        Assert.True(members.SequenceEqual(stored), $"{because}: memory holds {members.Length} members, storage {stored.Length}");
        Assert.Equal(members.Length, index.Count);

        // The shard goes on: its next calls and checkpoint store what they should.
        await index.UpdateAsync([Enter("z-after")]);
        await Checkpoint(index);
        Assert.Equal([.. members, "z-after"], (await (await Open(shard)).MembersAsync(null, 1000)).Select(member => member.CustomerId));
        return members;
    }

    /// <summary>Erasing an id that was never a member: the index rewrites its pages and directory, which carries the log into the pages.</summary>
    private protected static Task Checkpoint(MemberIndex index) => index.EraseAsync(["~never-a-member"]);

    private protected Task<MemberIndex> Open(string shard, SegmentMembersOptions? options = null) =>
        MemberIndex.OpenAsync(Storage, SerializerFixture.Codec, shard, options ?? SmallPages);

    protected static string NewShard() => $"s-{Guid.NewGuid():N}/7";

    protected static MembershipChange Enter(string id, long sequence = 0, DateTimeOffset? at = null) =>
        new("s", id, Entered: true, ["x.total = 1"], at ?? At, Sequence: sequence);

    protected static MembershipChange Leave(string id, long sequence = 0) => new("s", id, Entered: false, [], At, Sequence: sequence);
}
