using ProfileGrid.Customers;

namespace ProfileGrid.Grains.Tests.Customers;

/// <summary>
/// Traits and consent imported with their original time (<see cref="TraitPatch.At"/>): an older value never replaces
/// a newer one nor one set live, and customers no import touched keep no times at all.
/// </summary>
public sealed class TraitTimeTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static TraitPatch Imported(TimeSpan ago, params (string Name, string? Value)[] traits) =>
        new(traits.ToDictionary(t => t.Name, t => t.Value), [], "import", null, Now - ago);

    private static TraitPatch Live(params (string Name, string? Value)[] traits) => new(traits.ToDictionary(t => t.Name, t => t.Value), []);

    [Fact]
    public void An_older_imported_value_does_not_replace_a_newer_one_whatever_the_order_they_come_in()
    {
        var state = new CustomerState();

        state.Merge(Imported(TimeSpan.FromDays(2), ("plan", "\"gold\"")), Now);
        var older = state.Merge(Imported(TimeSpan.FromDays(9), ("plan", "\"silver\""), ("city", "\"Oslo\"")), Now);
        var newer = state.Merge(Imported(TimeSpan.FromDays(1), ("plan", "\"platinum\"")), Now);

        Assert.Equal(["city"], older.Traits);
        Assert.Equal(["plan"], newer.Traits);
        Assert.Equal(("\"platinum\"", "\"Oslo\""), (state.Traits["plan"], state.Traits["city"]));
        Assert.Equal((Now - TimeSpan.FromDays(1)).UtcTicks, state.TraitTimes!["plan"]);
    }

    [Fact]
    public void A_value_set_live_wins_over_any_imported_one_and_drops_the_imported_time()
    {
        var state = new CustomerState();
        state.Merge(Imported(TimeSpan.FromDays(3), ("plan", "\"gold\"")), Now);

        state.Merge(Live(("plan", "\"live\"")), Now);
        var imported = state.Merge(Imported(TimeSpan.FromMinutes(1), ("plan", "\"imported\"")), Now);

        Assert.Empty(imported.Traits);
        Assert.Equal("\"live\"", state.Traits["plan"]);
        Assert.Null(state.TraitTimes);
    }

    [Fact]
    public void Consent_imported_keeps_its_original_time_and_an_older_flag_does_not_replace_a_newer_one()
    {
        var state = new CustomerState();
        var at = Now - TimeSpan.FromDays(30);

        state.Merge(new TraitPatch([], new() { ["email"] = true }, "import", null, at), Now);
        var older = state.Merge(new TraitPatch([], new() { ["email"] = false }, "import", null, at - TimeSpan.FromDays(1)), Now);

        Assert.Empty(older.Consent);
        Assert.True(state.Consent["email"]);
        Assert.Equal(at, state.ConsentRecords!["email"].At);
    }

    [Fact]
    public void Live_patches_keep_no_times_so_customers_without_imports_pay_nothing()
    {
        var state = new CustomerState();

        state.Merge(Live(("plan", "\"gold\""), ("city", "\"Oslo\"")), Now);

        Assert.Null(state.TraitTimes);
    }
}
