using Roster.Operator;

namespace Roster.Tests.Unit;

/// <summary>The command line's tables: aligned columns, and names that cannot forge a row or rewrite the terminal.</summary>
public sealed class TextTableTests
{
    [Fact]
    public void Printable_EscapesLineBreaksTerminalEscapesAndBidiOverrides()
    {
        Assert.Equal("Acme\\nFAKE  Pro", TextTable.Printable("Acme\nFAKE  Pro"));
        Assert.Equal("\\u001B[31mred\\r\\t\\u0000", TextTable.Printable("\u001b[31mred\r\t\0"));
        Assert.Equal("evil\\u202Etxt.exe", TextTable.Printable("evil\u202Etxt.exe"));
        Assert.Equal("Équipe 🚀", TextTable.Printable("Équipe 🚀"));
    }

    [Fact]
    public void Write_AlignsEachColumnToItsWidestCell_OneLineARow()
    {
        using var output = new StringWriter();

        TextTable.Write(output, ["NAME", "PLAN"], [["A\nB", "Free"], ["Longer name", "Enterprise"]]);

        Assert.Equal(
            ["NAME         PLAN", "A\\nB         Free", "Longer name  Enterprise"],
            output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
    }
}
