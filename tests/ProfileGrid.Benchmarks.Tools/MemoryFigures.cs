using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using ProfileGrid.Benchmarks.Memory;

namespace ProfileGrid.Benchmarks.Tools;

/// <summary>
/// The memory probe's figures in the report: what an activated customer costs against what Orleans itself costs per
/// activation (the empty reference grain), and which types the bytes are. In memory mode the silo also keeps every
/// customer's stored journal; that copy (what customers leave behind when deactivated, beyond what empty grains leave)
/// is shown apart and not counted as the activation's: a durable silo keeps it in the table.
/// </summary>
internal sealed partial class MemoryFigures(MemoryGoal goal, MemoryResult? customer, MemoryResult? empty)
{
    private const int TopTypes = 20;

    public static MemoryFigures Load(string results)
    {
        var goal = Scenarios.MemoryPerCustomer;
        return new MemoryFigures(goal, Read(results, goal.Subject), Read(results, goal.Reference));
    }

    public void GoalRow(StringBuilder md, List<string> misses)
    {
        if (customer is null || empty is null)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {goal.Title} | not run | | | {goal.GoalText} | not measured |");
            return;
        }

        var (stored, activation, orleans) = Parts(customer, empty);
        var met = activation <= goal.GoalBytes;
        var population = customer.Activations == 100_000 ? "" : $", {customer.Activations:N0} customers in this run";
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| {goal.Title} | {Bytes(activation)} per customer{population} (ProfileGrid's part {Bytes(activation - orleans)}; memory storage's copy of the journal, {Bytes(stored)}, not counted) | {Bytes(orleans)}: Orleans' own, an empty grain's activation | {activation / orleans:0.00} | {goal.GoalText} | {(met ? "**met**" : "**missed**")} |");
        if (!met) misses.Add($"**{goal.Title}**: {goal.WhyMissed}");
    }

    public void Section(StringBuilder md)
    {
        if (customer is null || empty is null) return;
        var (stored, activation, orleans) = Parts(customer, empty);
        md.AppendLine().AppendLine("Memory per activation (`ProfileGrid.Benchmarks.Memory`: one silo in the probe's own process with memory journal");
        md.AppendLine("storage; managed heap bytes after full blocking, compacting collections: after start-up and a warm-up whose");
        md.AppendLine("activations are deactivated again, then with N activations alive, then after deactivating them all; a customer is");
        md.AppendLine("activated by one page view, the reference grain has no state and no services):").AppendLine();
        md.AppendLine("| per activation | ProfileGrid customer | empty grain (Orleans' own) |");
        md.AppendLine("|---|---|---|");
        md.AppendLine(CultureInfo.InvariantCulture, $"| activations made; counted alive before deactivation | {customer.Activations:N0}; {customer.ActiveAtEnd:N0} | {empty.Activations:N0}; {empty.ActiveAtEnd:N0} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| time to activate them all | {customer.ActivateSeconds:N0} s | {empty.ActivateSeconds:N0} s |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| heap growth with all alive: (active − baseline) / N | {Bytes(customer.BytesPerActivation)} | {Bytes(empty.BytesPerActivation)} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| left after deactivation: (deactivated − baseline) / N | {Bytes(customer.LeftBytesPerActivation)} | {Bytes(empty.LeftBytesPerActivation)} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| memory storage's copy of the journal (the customer's left minus the empty grain's) | {Bytes(stored)} | |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| **the activation** (heap growth less the storage's copy) | **{Bytes(activation)}** | **{Bytes(orleans)}** |");
        if (customer.HeldByActivations is not { } held) return;

        var reference = (empty.HeldByActivations ?? []).ToDictionary(share => share.Type, share => share.Bytes, StringComparer.Ordinal);
        md.AppendLine().AppendLine("Where an activation's bytes go: a heap census (the runtime's `createdump`, read with ClrMD) with all alive");
        md.AppendLine(CultureInfo.InvariantCulture, $"minus the census after deactivation, per activation, by type; the {TopTypes} largest for the customer:").AppendLine();
        md.AppendLine("| type | customer: bytes (objects) | empty grain: bytes | ProfileGrid's part |");
        md.AppendLine("|---|---|---|---|");
        foreach (var share in held.Take(TopTypes))
        {
            var own = reference.GetValueOrDefault(share.Type);
            md.AppendLine(CultureInfo.InvariantCulture, $"| `{Short(share.Type)}` | {share.Bytes:N0} ({share.Objects:0.##}) | {own:N0} | {share.Bytes - own:N0} |");
        }

        md.AppendLine(CultureInfo.InvariantCulture,
            $"| all {held.Length} types that grew | {held.Sum(share => share.Bytes):N0} | {reference.Values.Sum():N0} | {held.Sum(share => share.Bytes) - reference.Values.Sum():N0} |");
        var further = held.Skip(TopTypes).Select(share => (share.Type, Bytes: share.Bytes - reference.GetValueOrDefault(share.Type))).Where(share => share.Bytes >= 16).ToList();
        if (further.Count > 0)
        {
            md.AppendLine().AppendLine("ProfileGrid's part in the types below those rows: " +
                string.Join(", ", further.Select(share => string.Create(CultureInfo.InvariantCulture, $"`{Short(share.Type)}` {share.Bytes:N0} B"))) + ".");
        }

        if (customer.LeftAfterDeactivation is { } left)
        {
            var emptyLeft = (empty.LeftAfterDeactivation ?? []).ToDictionary(share => share.Type, share => share.Bytes, StringComparer.Ordinal);
            var storage = left.Select(share => (share.Type, Bytes: share.Bytes - emptyLeft.GetValueOrDefault(share.Type)))
                .Where(share => share.Bytes >= 1).OrderByDescending(share => share.Bytes).Take(6);
            md.AppendLine().AppendLine("Memory storage's copy, by type (left after deactivation, the customer's minus the empty grain's): " +
                string.Join(", ", storage.Select(share => string.Create(CultureInfo.InvariantCulture, $"`{Short(share.Type)}` {share.Bytes:N0} B"))) + ".");
        }
    }

    private static (double Stored, double Activation, double Orleans) Parts(MemoryResult customer, MemoryResult empty)
    {
        var stored = customer.LeftBytesPerActivation - empty.LeftBytesPerActivation;
        return (stored, customer.BytesPerActivation - stored, empty.BytesPerActivation);
    }

    private static string Bytes(double bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes:N0} B ({bytes / 1024:0.00} KiB)");

    /// <summary>A type's name without namespaces: <c>Dictionary&lt;String, CounterSeries&gt;+Entry[]</c>.</summary>
    private static string Short(string type) => Namespaces().Replace(type, "");

    private static MemoryResult? Read(string results, string name)
    {
        var file = Path.Combine(results, name + ".json");
        return File.Exists(file) ? MemoryResult.Read(file) : null;
    }

    [GeneratedRegex(@"\b(?:[A-Za-z_]\w*\.)+(?=[A-Za-z_])")]
    private static partial Regex Namespaces();
}
