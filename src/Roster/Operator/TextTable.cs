using System.Globalization;
using System.Text;

namespace Roster.Operator;

/// <summary>
/// Plain aligned columns for a terminal, and text made safe to print there. Names come from users: a newline would
/// forge a row, and an escape sequence or a bidirectional override would rewrite the operator's screen, so every
/// control character is printed as a visible escape (<c>\n</c>, <c>\u001B</c>).
/// </summary>
public static class TextTable
{
    /// <summary>Writes the header and rows, each column as wide as its widest cell, two spaces apart.</summary>
    public static void Write(TextWriter output, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var cells = rows.Select(row => row.Select(Printable).ToArray()).ToList();
        var widths = headers.Select((header, column) => cells.Select(row => row[column].Length).Append(header.Length).Max()).ToArray();
        WriteRow(output, headers, widths);
        foreach (var row in cells)
        {
            WriteRow(output, row, widths);
        }
    }

    /// <summary>A UTC time as the tables show it: <c>2026-11-29 20:07:13Z</c>.</summary>
    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>The text with every control and bidirectional formatting character replaced by a visible escape.</summary>
    public static string Printable(string? text)
    {
        if (string.IsNullOrEmpty(text) || !text.Any(NeedsEscape))
        {
            return text ?? "";
        }

        var safe = new StringBuilder(text.Length + 8);
        foreach (var character in text)
        {
            safe.Append(character switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when NeedsEscape(character) => $"\\u{(int)character:X4}",
                _ => character.ToString(),
            });
        }

        return safe.ToString();
    }

    private static bool NeedsEscape(char character) =>
        char.IsControl(character) || character is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\u200E' or '\u200F';

    private static void WriteRow(TextWriter output, IReadOnlyList<string> cells, int[] widths)
    {
        var line = new StringBuilder();
        for (var column = 0; column < cells.Count; column++)
        {
            line.Append(column == cells.Count - 1 ? cells[column] : cells[column].PadRight(widths[column] + 2));
        }

        output.WriteLine(line.ToString().TrimEnd());
    }
}
