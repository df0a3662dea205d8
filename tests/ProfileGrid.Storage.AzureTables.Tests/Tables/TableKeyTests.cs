using System.Text;
using ProfileGrid.Storage.AzureTables.Tables;

namespace ProfileGrid.Storage.AzureTables.Tests.Tables;

public sealed class TableKeyTests
{
    [Theory]
    [InlineData("customer/42", "customer~2F42")]
    [InlineData("a\\b#c?d", "a~5Cb~23c~3Fd")]
    [InlineData("tab\there", "tab~09here")]
    [InlineData("tilde~", "tilde~7E")]
    [InlineData("Zoë 山田", "Zoë 山田")]
    public void Forbidden_characters_are_escaped_and_others_kept(string value, string expected) =>
        Assert.Equal(expected, TableKey.SanitizePrefix(value, suffixChars: 0));

    [Fact]
    public void Inputs_that_differ_only_in_forbidden_characters_stay_distinct()
    {
        string[] values = ["a/b", "a_b", "a~2Fb", "a#b", "a\u0001b"];

        Assert.Equal(values.Length, values.Select(value => TableKey.SanitizePrefix(value, suffixChars: 0)).Distinct().Count());
    }

    [Fact]
    public void Long_keys_are_shortened_under_one_kibibyte_and_stay_distinct()
    {
        var first = new string('山', 2000) + "1";
        var second = new string('山', 2000) + "2";

        var firstKey = TableKey.SanitizePrefix(first, suffixChars: 0);
        var secondKey = TableKey.SanitizePrefix(second, suffixChars: 0);

        Assert.NotEqual(firstKey, secondKey);
        Assert.All(new[] { firstKey, secondKey }, key =>
        {
            Assert.True(Encoding.UTF8.GetByteCount(key) < 1024);
            Assert.True(key.Length * 2 < 1024);
        });
        Assert.Equal(firstKey, TableKey.SanitizePrefix(first, suffixChars: 0));
    }

    [Theory]
    [InlineData("a!b", "a~21b")]
    [InlineData("100%", "100~25")]
    [InlineData("customer:ann", "customer:ann")]
    public void A_prefix_key_also_escapes_the_separator_and_percent(string value, string expected)
    {
        Assert.Equal(expected, TableKey.SanitizePrefix(value, suffixChars: 2));
        Assert.DoesNotContain(TableKey.Separator, TableKey.SanitizePrefix(value, suffixChars: 2));
    }

    [Fact]
    public void A_long_prefix_key_leaves_room_for_the_separator_and_its_suffix()
    {
        var key = TableKey.SanitizePrefix(new string('山', 2000), suffixChars: 2) + TableKey.Separator + "64";

        Assert.True(Encoding.UTF8.GetByteCount(key) < 1024);
        Assert.True(key.Length * 2 < 1024);
    }
}
