using Roster.Features.Audit;

namespace Roster.Tests.Unit;

/// <summary>
/// CSV cells of the audit-log export: nothing a name holds can end a row, start a cell or run as a formula, whatever
/// separator a spreadsheet splits on (comma, or the semicolon and tab of many locales' imports).
/// </summary>
public sealed class CsvCellTests
{
    [Theory]
    [InlineData(null, "")]
    [InlineData("", "")]
    [InlineData("Ada", "\"Ada\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("=1+1", "\"'=1+1\"")]
    [InlineData("+1", "\"'+1\"")]
    [InlineData("-1", "\"'-1\"")]
    [InlineData("@SUM(A1)", "\"'@SUM(A1)\"")]
    [InlineData("Bob;=cmd|' /C calc'!A0", "\"Bob;=cmd|' /C calc'!A0\"")]
    [InlineData("x\t=1+1", "\"x\t=1+1\"")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("line\r\nbreak", "\"line\r\nbreak\"")]
    [InlineData("bell\u0007", "\"bell\uFFFD\"")]
    [InlineData("para\u2029graph", "\"para\uFFFDgraph\"")]
    public void A_cell_is_always_quoted_and_a_leading_formula_character_is_escaped(string? value, string expected) =>
        Assert.Equal(expected, CsvCell.Format(value));
}
