using System.Diagnostics;
using System.Globalization;
using System.Text;
using Superpower;
using Superpower.Display;
using Superpower.Model;
using Superpower.Parsers;
using Superpower.Tokenizers;

namespace ProfileGrid.Rules;

/// <summary>
/// Reads the segment rule language (docs/segments.md) with Superpower: a tokenizer, a check of the
/// <see cref="RuleLimits"/> on the tokens, a grammar of token parsers, then a check of each comparison's operand and
/// value. Anything that does not read is a <see cref="RuleError"/> with the line, the column and the reason.
/// </summary>
public static class RuleParser
{
    private enum RuleToken
    {
        [Token(Category = "name")] Name,
        [Token(Category = "number")] Number,
        [Token(Category = "duration")] Duration,
        [Token(Category = "text")] Text,
        [Token(Example = "==")] Equal,
        [Token(Example = "!=")] NotEqual,
        [Token(Example = "<=")] LessOrEqual,
        [Token(Example = ">=")] GreaterOrEqual,
        [Token(Example = "<")] Less,
        [Token(Example = ">")] Greater,
        [Token(Example = "(")] Open,
        [Token(Example = ")")] Close,
    }

    /// <summary>A text in double quotes, with <c>\"</c> for a quote and <c>\\</c> for a backslash.</summary>
    private static readonly TextParser<string> QuotedText =
        from open in Character.EqualTo('"')
        from chars in Character.EqualTo('\\').IgnoreThen(Character.In('"', '\\')).Or(Character.ExceptIn('"', '\\')).Many()
        from close in Character.EqualTo('"')
        select new string(chars);

    private static readonly Tokenizer<RuleToken> Tokenizer = new TokenizerBuilder<RuleToken>()
        .Ignore(Span.WhiteSpace)
        .Match(Character.EqualTo('('), RuleToken.Open)
        .Match(Character.EqualTo(')'), RuleToken.Close)
        .Match(Span.EqualTo("=="), RuleToken.Equal)
        .Match(Span.EqualTo("!="), RuleToken.NotEqual)
        .Match(Span.EqualTo("<="), RuleToken.LessOrEqual)
        .Match(Span.EqualTo(">="), RuleToken.GreaterOrEqual)
        .Match(Character.EqualTo('<'), RuleToken.Less)
        .Match(Character.EqualTo('>'), RuleToken.Greater)
        .Match(QuotedText, RuleToken.Text)
        .Match(Span.Regex(@"[0-9]+[dhms]"), RuleToken.Duration, requireDelimiters: true)
        .Match(Numerics.Decimal, RuleToken.Number, requireDelimiters: true)
        .Match(Span.Regex(@"[A-Za-z_][A-Za-z0-9_.\-]*"), RuleToken.Name, requireDelimiters: true)
        .Build();

    private static readonly TokenListParser<RuleToken, CompareOp> Operator =
        Token.EqualTo(RuleToken.Equal).Value(CompareOp.Equal)
            .Or(Token.EqualTo(RuleToken.NotEqual).Value(CompareOp.NotEqual))
            .Or(Token.EqualTo(RuleToken.LessOrEqual).Value(CompareOp.LessOrEqual))
            .Or(Token.EqualTo(RuleToken.GreaterOrEqual).Value(CompareOp.GreaterOrEqual))
            .Or(Token.EqualTo(RuleToken.Less).Value(CompareOp.Less))
            .Or(Token.EqualTo(RuleToken.Greater).Value(CompareOp.Greater))
            .Named("comparison operator (==, !=, <, <=, >, >=)");

    private static readonly TokenListParser<RuleToken, Token<RuleToken>> Value =
        Token.EqualTo(RuleToken.Number).Or(Token.EqualTo(RuleToken.Text)).Or(Token.EqualTo(RuleToken.Duration))
            .Named("value (a number, a \"text\" or a duration such as 7d)");

    private static readonly TokenListParser<RuleToken, Token<RuleToken>> OperandName =
        Token.EqualTo(RuleToken.Name).Where(token => !IsKeyword(token.ToStringValue())).Named("operand");

    private static readonly TokenListParser<RuleToken, SegmentRule> Comparison =
        from operand in OperandName
        from op in Operator
        from value in Value
        select (SegmentRule)new Unchecked(operand, op, value);

    private static readonly TokenListParser<RuleToken, SegmentRule> Factor =
        (from open in Token.EqualTo(RuleToken.Open)
         from inner in Superpower.Parse.Ref(() => Expression!)
         from close in Token.EqualTo(RuleToken.Close)
         select inner)
        .Or(from not in Keyword("not")
            from inner in Superpower.Parse.Ref(() => Factor!)
            select (SegmentRule)new NotRule(inner))
        .Or(Comparison);

    private static readonly TokenListParser<RuleToken, SegmentRule> Conjunction =
        Superpower.Parse.Chain(Keyword("and"), Factor, (_, left, right) => new AndRule(left, right));

    private static readonly TokenListParser<RuleToken, SegmentRule> Expression =
        Superpower.Parse.Chain(Keyword("or"), Conjunction, (_, left, right) => new OrRule(left, right));

    private static readonly TokenListParser<RuleToken, SegmentRule> Rule = Expression.AtEnd();

    /// <summary>Reads a rule as it is written (<c>not not x</c> stays), or says where and why it does not read.</summary>
    public static bool TryParse(string text, out SegmentRule rule, out RuleError? error)
    {
        rule = null!;
        if (string.IsNullOrWhiteSpace(text)) return Fail(new RuleError(1, 1, "the rule is empty"), out error);
        if (text.Length > RuleLimits.MaxLength) return Fail(new RuleError(1, 1, $"the rule is longer than {RuleLimits.MaxLength} characters"), out error);

        var tokens = Tokenizer.TryTokenize(text);
        if (!tokens.HasValue) return Fail(RuleError.At(tokens.ErrorPosition, tokens.FormatErrorMessageFragment()), out error);
        if (CheckLimits(tokens.Value) is { } beyond) return Fail(beyond, out error);
        var parsed = Rule.TryParse(tokens.Value);
        if (!parsed.HasValue) return Fail(RuleError.At(parsed.ErrorPosition, parsed.FormatErrorMessageFragment()), out error);
        error = Check(parsed.Value, out rule);
        return error is null;
    }

    /// <summary>Reads a rule that is known to be valid (e.g. one stored after it was checked), as it is written.</summary>
    /// <exception cref="FormatException">It is not.</exception>
    public static SegmentRule Parse(string text) =>
        TryParse(text, out var rule, out var error) ? rule : throw new FormatException($"The rule does not read: {error}.");

    /// <summary>
    /// Reads a rule to define a segment with: as <see cref="TryParse"/>, then normalized (<see cref="SegmentRule.Normalize"/>).
    /// Its <see cref="SegmentRule.ToString"/> is the canonical text to store, which reads back to an equal rule (so it
    /// too must fit in <see cref="RuleLimits.MaxLength"/>).
    /// </summary>
    public static bool TryParseCanonical(string text, out SegmentRule rule, out RuleError? error)
    {
        if (!TryParse(text, out rule, out error)) return false;
        rule = rule.Normalize();
        var length = rule.ToString().Length;
        return length <= RuleLimits.MaxLength
            || Fail(new RuleError(1, 1, $"written canonically (one space around each operator and keyword) the rule is {length} characters, longer than {RuleLimits.MaxLength}"), out error);
    }

    /// <summary>Reads a stored definition's rule, normalized: as <see cref="TryParseCanonical"/>.</summary>
    /// <exception cref="FormatException">It does not read.</exception>
    public static SegmentRule ParseCanonical(string text) =>
        TryParseCanonical(text, out var rule, out var error) ? rule : throw new FormatException($"The rule does not read: {error}.");

    private static bool Fail(RuleError error, out RuleError? result)
    {
        result = error;
        return false;
    }

    private static TokenListParser<RuleToken, Token<RuleToken>> Keyword(string keyword) =>
        Token.EqualToValue(RuleToken.Name, keyword).Named($"'{keyword}'");

    private static bool IsKeyword(string name) => name is "and" or "or" or "not";

    /// <summary>
    /// The <see cref="RuleLimits"/> on the tokens, in one pass without recursion, so that the grammar (which recurses
    /// once per level) only ever sees a rule within them: the token that nests one level too deep, or that starts one
    /// comparison too many, is the error's position.
    /// </summary>
    private static RuleError? CheckLimits(TokenList<RuleToken> tokens)
    {
        // What encloses the current token, innermost on top: true for a 'not' (which ends with the factor after it), false for a '('.
        var enclosing = new Stack<bool>();
        var comparisons = 0;
        foreach (var token in tokens)
        {
            switch (token.Kind)
            {
                case RuleToken.Open:
                    enclosing.Push(false);
                    break;
                case RuleToken.Name when token.Span.EqualsValue("not"):
                    enclosing.Push(true);
                    break;
                case RuleToken.Name when !IsKeyword(token.ToStringValue()):
                    // An operand: a comparison starts.
                    if (++comparisons > RuleLimits.MaxComparisons)
                        return RuleError.At(token.Position, $"the rule holds more than {RuleLimits.MaxComparisons} comparisons");
                    break;
                case RuleToken.Close:
                    // Ends the parenthesis (and a 'not' left open inside it, which the grammar refuses), then the factor it closes.
                    while (enclosing.TryPop(out var not) && not)
                    {
                    }

                    EndFactor(enclosing);
                    break;
                case RuleToken.Number or RuleToken.Text or RuleToken.Duration:
                    // A comparison ends with its value.
                    EndFactor(enclosing);
                    break;
            }

            if (enclosing.Count > RuleLimits.MaxDepth)
                return RuleError.At(token.Position, $"the rule nests deeper than {RuleLimits.MaxDepth} levels (parentheses and not together)");
        }

        return null;

        // The 'not's right before a factor that ended end with it.
        static void EndFactor(Stack<bool> enclosing)
        {
            while (enclosing.TryPeek(out var not) && not) enclosing.Pop();
        }
    }

    /// <summary>Replaces every unchecked comparison by a checked one, or returns the first error.</summary>
    private static RuleError? Check(SegmentRule parsed, out SegmentRule rule)
    {
        RuleError? error = null;
        rule = parsed switch
        {
            AndRule and => Both(and.Left, and.Right, (l, r) => new AndRule(l, r)),
            OrRule or => Both(or.Left, or.Right, (l, r) => new OrRule(l, r)),
            NotRule not => (error = Check(not.Inner, out var inner)) is null ? new NotRule(inner) : null!,
            Unchecked comparison => (error = comparison.Check(out var checkedComparison)) is null ? checkedComparison : null!,
            _ => throw new UnreachableException(),
        };
        return error;

        SegmentRule Both(SegmentRule left, SegmentRule right, Func<SegmentRule, SegmentRule, SegmentRule> join)
        {
            error = Check(left, out var l);
            if (error is not null) return null!;
            error = Check(right, out var r);
            return error is null ? join(l, r) : null!;
        }
    }

    /// <summary>A comparison as read, before its operand and value are checked.</summary>
    private sealed record Unchecked(Token<RuleToken> Operand, CompareOp Op, Token<RuleToken> Value) : SegmentRule
    {
        internal override int Precedence => 3;

        public override SegmentRule Normalize() => this;

        // Never printed: the grammar's rule is replaced by the checked one before anyone sees it.
        internal override void Write(StringBuilder text) => throw new UnreachableException();

        public RuleError? Check(out SegmentRule comparison)
        {
            comparison = null!;
            var name = Operand.ToStringValue();
            if (ReadOperand(name) is not { } operand)
                return RuleError.At(Operand.Position, $"unknown operand '{name}': expected type.window (e.g. purchase.7d), type.sum.window, "
                    + "type.last, type.first, trait.name, or one of " + string.Join(", ", DerivedOperand.Known.Keys) + "; windows are "
                    + string.Join(", ", Rules.Operand.Windows.Select(Rules.Operand.WindowName)));
            if (ReadLiteral(Value) is not { } literal)
                return RuleError.At(Value.Position, $"'{Value.ToStringValue()}' is not a value (numbers are decimals, durations at most {RuleLimits.MaxDuration.Days}d)");

            var fits = (operand.Kind, literal) switch
            {
                (OperandKind.Number, NumberLiteral) => true,
                (OperandKind.Duration, DurationLiteral) => true,
                (OperandKind.Text, TextLiteral) => true,
                (OperandKind.NumberOrText, NumberLiteral or TextLiteral) => true,
                _ => false,
            };
            if (!fits)
                return RuleError.At(Value.Position, $"{operand} compares with {Describe(operand.Kind)}, not {Describe(literal)}");
            if (literal is TextLiteral && Op is not (CompareOp.Equal or CompareOp.NotEqual))
                return RuleError.At(Value.Position, $"a text compares only with == or !=, not {Rules.Comparison.Symbol(Op)}");

            comparison = new Comparison(operand, Op, literal);
            return null;
        }

        private static Operand? ReadOperand(string name)
        {
            if (DerivedOperand.Known.ContainsKey(name)) return new DerivedOperand(name);
            if (name.StartsWith("trait.", StringComparison.Ordinal)) return name.Length > 6 ? new TraitOperand(name[6..]) : null;
            if (name.EndsWith(".last", StringComparison.Ordinal)) return Type(name[..^5]) is { } lastType ? new LastOperand(lastType) : null;
            if (name.EndsWith(".first", StringComparison.Ordinal)) return Type(name[..^6]) is { } firstType ? new FirstOperand(firstType) : null;

            var dot = name.LastIndexOf('.');
            if (dot <= 0 || ReadWindow(name[(dot + 1)..]) is not { } window) return null;
            var type = name[..dot];
            if (type.EndsWith(".sum", StringComparison.Ordinal)) return Type(type[..^4]) is { } sumType ? new SumOperand(sumType, window) : null;
            return Type(type) is { } countType ? new CountOperand(countType, window) : null;
        }

        private static string? Type(string type) =>
            type.Length is > 0 and <= 64 && type.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '.' or '-') ? type : null;

        private static Window? ReadWindow(string window) => window switch
        {
            "1h" => Window.Hour,
            "24h" => Window.Day,
            "7d" => Window.Week,
            "30d" => Window.Month,
            "365d" => Window.Year,
            "total" => Window.Total,
            _ => null,
        };

        private static Literal? ReadLiteral(Token<RuleToken> token)
        {
            var text = token.ToStringValue();
            switch (token.Kind)
            {
                case RuleToken.Number:
                    return decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number)
                        ? new NumberLiteral(number)
                        : null;
                case RuleToken.Text:
                    return QuotedText.TryParse(text) is { HasValue: true } quoted ? new TextLiteral(quoted.Value) : null;
                case RuleToken.Duration:
                    var unit = text[^1] switch
                    {
                        'd' => TimeSpan.TicksPerDay,
                        'h' => TimeSpan.TicksPerHour,
                        'm' => TimeSpan.TicksPerMinute,
                        _ => TimeSpan.TicksPerSecond,
                    };
                    return long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var amount)
                        && amount <= RuleLimits.MaxDuration.Ticks / unit
                            ? new DurationLiteral(TimeSpan.FromTicks(amount * unit))
                            : null;
                default:
                    return null;
            }
        }

        private static string Describe(OperandKind kind) => kind switch
        {
            OperandKind.Number => "a number",
            OperandKind.Text => "a \"text\"",
            OperandKind.Duration => "a duration such as 7d",
            _ => "a number or a \"text\"",
        };

        private static string Describe(Literal literal) => literal switch
        {
            NumberLiteral => "a number",
            TextLiteral => "a text",
            _ => "a duration",
        };
    }
}
