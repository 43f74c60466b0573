using System.Text;
using Microsoft.EntityFrameworkCore;

namespace Roster.Infrastructure.Text;

/// <summary>
/// What text both databases can store, checked at the edge (JSON bodies, form fields, query and route values) and by
/// the use cases that store it: no NUL (PostgreSQL's <c>text</c> refuses U+0000; SQLite would store it), no unpaired
/// surrogate (not Unicode: Npgsql refuses to encode it, SQLite would store U+FFFD instead), and no more characters
/// than the column holds, counted as PostgreSQL's <c>varchar(n)</c> counts them: Unicode code points, so "😀" is one
/// character although it is two UTF-16 units. SQLite enforces no length; the limit is the same on both.
/// </summary>
public static class StorableText
{
    /// <summary>The longest text Identity's columns hold (<c>UserName</c>, <c>Email</c> and their normalized forms): 256 characters.</summary>
    public const int IdentityMaxLength = 256;

    /// <summary>
    /// Why <paramref name="value"/> cannot be stored, as a sentence for the person who typed it, or null when it can
    /// (null text can). <paramref name="maxLength"/> is in characters (code points); null checks the content only.
    /// </summary>
    public static string? Problem(string? value, int? maxLength = null)
    {
        if (value is null)
        {
            return null;
        }

        var length = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var unit = value[i];
            if (unit == '\0')
            {
                return "Remove the NUL character (U+0000): it cannot be stored.";
            }

            if (char.IsHighSurrogate(unit) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(unit))
            {
                return "This text is not valid Unicode (it holds half of a surrogate pair).";
            }

            length++;
        }

        return maxLength is { } max && length > max ? $"Use at most {max} characters." : null;
    }

    /// <summary>The text's length as the database counts it: Unicode code points (an unpaired surrogate counts as one).</summary>
    public static int Length(string value)
    {
        var length = 0;
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }

            length++;
        }

        return length;
    }

    /// <summary>The first <paramref name="maxLength"/> characters (code points) of the text, never half of a surrogate pair.</summary>
    public static string Truncate(string text, int maxLength)
    {
        var units = 0;
        for (var count = 0; units < text.Length && count < maxLength; count++)
        {
            units += char.IsHighSurrogate(text[units]) && units + 1 < text.Length && char.IsLowSurrogate(text[units + 1]) ? 2 : 1;
        }

        return units == text.Length ? text : text[..units];
    }

    /// <summary>
    /// Whether the exception is the database refusing text that got past every check (the backstop): PostgreSQL's
    /// SQLSTATE 22021 <c>character_not_in_repertoire</c> (NUL), 22P05 <c>untranslatable_character</c>, 22001
    /// <c>string_data_right_truncation</c> (too long), or Npgsql refusing to encode an unpaired surrogate. Looks
    /// through <see cref="DbUpdateException"/> and other wrappers.
    /// </summary>
    public static bool IsRefusedByDatabase(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is Npgsql.PostgresException { SqlState: "22021" or "22P05" or "22001" } or EncoderFallbackException)
            {
                return true;
            }
        }

        return false;
    }
}
