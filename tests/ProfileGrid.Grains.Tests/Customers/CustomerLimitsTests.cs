using ProfileGrid.Customers;
using ProfileGrid.Events;

namespace ProfileGrid.Grains.Tests.Customers;

/// <summary>Every bound of a customer's state refuses the item past it with its reason, and keeps what was stored.</summary>
public sealed class CustomerLimitsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static CustomerEvent Event(string id, string type, decimal? value = null) => new(id, type, Now, value, null, null);

    private static TraitPatch Traits(params (string Name, string? Value)[] traits) =>
        new(traits.ToDictionary(t => t.Name, t => t.Value), []);

    [Fact]
    public void Past_the_event_type_bound_a_new_type_is_refused_and_known_types_still_count()
    {
        var state = new CustomerState();
        var types = Enumerable.Range(0, CustomerLimits.MaxEventTypes).Select(i => Event($"e{i}", $"type_{i}")).ToArray();
        state.Apply("shop", types, Now);

        var result = state.Apply("shop", [Event("new", "one_type_too_many"), Event("known", "type_0")], Now);

        Assert.Equal([EventOutcome.Rejected, EventOutcome.Accepted], result.Outcomes);
        Assert.Equal(CustomerLimits.EventTypesRule, result.Errors[0]);
        Assert.Equal(CustomerLimits.MaxEventTypes, state.Counters.View(Now).Length);
        Assert.Equal(2, state.Counters.View(Now).Single(c => c.Type == "type_0").Total.Count);
    }

    [Fact]
    public void A_refused_event_leaves_its_id_free_so_nothing_is_counted_as_a_duplicate()
    {
        var state = new CustomerState();

        var refused = state.Apply("shop", [Event("e1", "purchase", 2e15m)], Now);
        var fixedUp = state.Apply("shop", [Event("e1", "purchase", 20m)], Now);

        Assert.Equal([EventOutcome.Rejected], refused.Outcomes);
        Assert.Equal([EventOutcome.Accepted], fixedUp.Outcomes);
    }

    [Fact]
    public void Values_are_kept_to_6_decimal_places()
    {
        var state = new CustomerState();

        state.Apply("shop", [Event("e1", "purchase", 0.30000000000000004m), Event("e2", "purchase", 0.0000005m)], Now);

        Assert.Equal(0.300001m, state.Counters.View(Now).Single().Total.Sum);
    }

    [Fact]
    public void Past_the_trait_count_bound_a_new_trait_is_refused_while_updates_and_removals_still_apply()
    {
        var state = new CustomerState();
        state.Merge(Traits([.. Enumerable.Range(0, CustomerLimits.MaxTraits).Select(i => ($"t{i}", (string?)"1"))]));

        var result = state.Merge(Traits(("new", "1"), ("t0", "2"), ("t1", null)));

        Assert.Equal([new TraitRejection("new", CustomerLimits.TraitsRule)], result.Rejected);
        Assert.Equal(["t0", "t1"], result.Traits);
        Assert.Equal("2", state.Traits["t0"]);
        Assert.False(state.Traits.ContainsKey("t1"));
        Assert.Equal(CustomerLimits.MaxTraits - 1, state.Traits.Count);
    }

    [Fact]
    public void Past_the_trait_bytes_bound_a_growing_trait_is_refused_and_a_shrinking_one_applies()
    {
        var state = new CustomerState();
        var value = $"\"{new string('x', 4000)}\"";
        state.Merge(Traits(("a", value), ("b", value), ("c", value), ("d", value)));

        var result = state.Merge(Traits(("e", value), ("a", "\"short\"")));

        Assert.Equal([new TraitRejection("e", CustomerLimits.TraitBytesRule)], result.Rejected);
        Assert.Equal(["a"], result.Traits);
        Assert.InRange(state.Traits.Sum(t => t.Key.Length + t.Value.Length), 1, CustomerLimits.MaxTraitBytes);
    }

    [Fact]
    public void Past_the_consent_bound_a_new_purpose_is_refused_and_known_purposes_still_change()
    {
        var state = new CustomerState();
        state.Merge(new TraitPatch([], Enumerable.Range(0, CustomerLimits.MaxConsentPurposes).ToDictionary(i => $"p{i}", _ => true)));

        var result = state.Merge(new TraitPatch([], new() { ["new"] = true, ["p0"] = false }));

        Assert.Equal([new TraitRejection("new", CustomerLimits.ConsentRule)], result.Rejected);
        Assert.Equal(["p0"], result.Consent);
        Assert.False(state.Consent["p0"]);
    }

    [Fact]
    public void A_merge_that_sets_what_is_already_there_changes_nothing()
    {
        var state = new CustomerState();
        state.Merge(new TraitPatch(new() { ["plan"] = "\"gold\"" }, new() { ["email"] = true }));

        var result = state.Merge(new TraitPatch(new() { ["plan"] = "\"gold\"", ["gone"] = null }, new() { ["email"] = true }));

        Assert.False(result.Changed);
        Assert.Empty(result.Rejected);
    }
}
