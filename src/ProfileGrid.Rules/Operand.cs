namespace ProfileGrid.Rules;

/// <summary>
/// The counter windows a rule can name, as the API names them. <see cref="Year"/> (<c>365d</c>) counts only for the
/// event types whose year of day slots is kept (docs/segments.md, "History-wide operands").
/// </summary>
public enum Window { Hour, Day, Week, Month, Total, Year }

/// <summary>What an operand compares with: numbers, texts (<c>==</c>/<c>!=</c> only), durations, or (a trait) a number or a text.</summary>
public enum OperandKind { Number, Text, Duration, NumberOrText }

/// <summary>Something of the customer a rule compares: one of the kinds below, which the evaluator knows.</summary>
public abstract record Operand
{
    private protected Operand()
    {
    }

    public abstract OperandKind Kind { get; }

    /// <summary>Whether its value is personal data: the value of an identity trait (<see cref="IdentityTraits"/>).</summary>
    public virtual bool Personal => false;

    public abstract override string ToString();

    public static string WindowName(Window window) => window switch
    {
        Window.Hour => "1h",
        Window.Day => "24h",
        Window.Week => "7d",
        Window.Month => "30d",
        Window.Year => "365d",
        Window.Total => "total",
        _ => throw new ArgumentOutOfRangeException(nameof(window)),
    };

    /// <summary>The windows in the order the language lists them: <c>1h, 24h, 7d, 30d, 365d, total</c>.</summary>
    public static readonly IReadOnlyList<Window> Windows = [Window.Hour, Window.Day, Window.Week, Window.Month, Window.Year, Window.Total];

    /// <summary>
    /// The event types whose year of day slots <paramref name="rule"/> reads (<c>type.365d</c>, <c>type.sum.365d</c>),
    /// in ordinal order, each once: the rule makes them history types.
    /// </summary>
    public static IReadOnlyList<string> YearTypes(SegmentRule rule)
    {
        var types = new SortedSet<string>(StringComparer.Ordinal);
        Collect(rule);
        return [.. types];

        void Collect(SegmentRule node)
        {
            switch (node)
            {
                case BinaryRule binary:
                    Collect(binary.Left);
                    Collect(binary.Right);
                    break;
                case NotRule not:
                    Collect(not.Inner);
                    break;
                case Comparison { Operand: CountOperand { Window: Window.Year } count }:
                    types.Add(count.Type);
                    break;
                case Comparison { Operand: SumOperand { Window: Window.Year } sum }:
                    types.Add(sum.Type);
                    break;
            }
        }
    }
}

/// <summary><c>type.window</c>: how many events of the type in the window.</summary>
public sealed record CountOperand(string Type, Window Window) : Operand
{
    public override OperandKind Kind => OperandKind.Number;

    public override string ToString() => $"{Type}.{WindowName(Window)}";
}

/// <summary><c>type.sum.window</c>: the sum of the values of the type's events in the window.</summary>
public sealed record SumOperand(string Type, Window Window) : Operand
{
    public override OperandKind Kind => OperandKind.Number;

    public override string ToString() => $"{Type}.sum.{WindowName(Window)}";
}

/// <summary><c>type.last</c>: the time since the type's latest event (never: longer than any duration).</summary>
public sealed record LastOperand(string Type) : Operand
{
    public override OperandKind Kind => OperandKind.Duration;

    public override string ToString() => $"{Type}.last";
}

/// <summary><c>type.first</c>: the time since the type's first event ever (never: longer than any duration).</summary>
public sealed record FirstOperand(string Type) : Operand
{
    public override OperandKind Kind => OperandKind.Duration;

    public override string ToString() => $"{Type}.first";
}

/// <summary><c>trait.name</c>: a trait's value, a number or a text.</summary>
public sealed record TraitOperand(string Name) : Operand
{
    public override OperandKind Kind => OperandKind.NumberOrText;

    public override bool Personal => IdentityTraits.Contains(Name);

    public override string ToString() => $"trait.{Name}";
}

/// <summary>A derived value: <c>clv</c>, <c>clv.predicted</c>, <c>orders</c>, <c>rfm.*</c>, <c>tier</c>, <c>last_seen</c>, <c>first_seen</c>.</summary>
public sealed record DerivedOperand(string Name) : Operand
{
    public static readonly IReadOnlyDictionary<string, OperandKind> Known = new Dictionary<string, OperandKind>(StringComparer.Ordinal)
    {
        ["clv"] = OperandKind.Number,
        ["clv.predicted"] = OperandKind.Number,
        ["orders"] = OperandKind.Number,
        ["rfm.recency"] = OperandKind.Number,
        ["rfm.frequency"] = OperandKind.Number,
        ["rfm.monetary"] = OperandKind.Number,
        ["tier"] = OperandKind.Text,
        ["last_seen"] = OperandKind.Duration,
        ["first_seen"] = OperandKind.Duration,
    };

    public override OperandKind Kind => Known[Name];

    public override string ToString() => Name;
}
