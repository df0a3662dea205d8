namespace ProfileGrid.Benchmarks.Tools;

/// <summary>
/// The memory goal of issue 8: the memory probe's result for ProfileGrid's customer (<see cref="Subject"/>) and for
/// the empty reference grain (<see cref="Reference"/>), files <c>&lt;results&gt;/&lt;name&gt;.json</c>, and the most
/// bytes one activated customer may hold.
/// </summary>
internal sealed record MemoryGoal(string Title, string Subject, string Reference, double GoalBytes, string WhyMissed)
{
    public string GoalText => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"≤ {GoalBytes / 1024:0.#} KiB");
}
