using System.Text;

namespace Roster.Tests.Fuzzing;

/// <summary>
/// One hostile value, written the two ways a request carries it: <see cref="Json"/> as the raw bytes of a JSON value
/// (which may be invalid JSON or invalid UTF-8 on purpose), <see cref="Form"/> percent-encoded for a query string or a
/// form body (null where the value only makes sense in JSON, such as a wrong JSON type).
/// </summary>
public sealed record HostileValue(string Name, byte[] Json, string? Form)
{
    public static HostileValue Text(string name, string jsonText, string? form) => new(name, Encoding.UTF8.GetBytes(jsonText), form);
}

/// <summary>
/// The corpus (issue 11): wrong JSON types, NUL and control characters, lone surrogates, invalid UTF-8, overlong
/// strings (counted in UTF-16 units and in characters outside the BMP, so that every way a database measures a
/// length is reached), overflowing numbers, odd ids, cursors and dates, and the shapes of whole bodies (deep
/// nesting, huge arrays, duplicate keys, truncation).
/// </summary>
public static class HostileValues
{
    /// <summary>Strings, numbers and other JSON types, for any field or parameter.</summary>
    public static IReadOnlyList<HostileValue> Fields { get; } =
    [
        HostileValue.Text("NUL", "\"a\\u0000b\"", "a%00b"),
        HostileValue.Text("only NUL", "\"\\u0000\"", "%00"),
        HostileValue.Text("control characters", "\"\\u0001\\u001b[31m\\u007f\\u0085\\t\\r\\n\"", "%01%1B%5B31m%7F%C2%85%09%0D%0A"),
        HostileValue.Text("lone high surrogate", "\"\\ud800\"", "%ED%A0%80"),
        HostileValue.Text("lone low surrogate in text", "\"x\\udfffy\"", "x%ED%BF%BFy"),
        new("invalid UTF-8", [(byte)'"', 0xFF, 0xFE, 0xC0, 0xAF, (byte)'a', (byte)'"'], "%FF%FE%C0%AFa"),
        HostileValue.Text("300 chars", Quoted(new string('a', 300)), new string('a', 300)),
        HostileValue.Text("5,000 chars", Quoted(new string('b', 5_000)), new string('b', 5_000)),
        HostileValue.Text("100,000 chars", Quoted(new string('c', 100_000)), new string('c', 100_000)),
        HostileValue.Text("300 emoji (600 UTF-16 units)", Quoted(string.Concat(Enumerable.Repeat("\U0001F600", 300))), Encoded(string.Concat(Enumerable.Repeat("\U0001F600", 300)))),
        HostileValue.Text("256 two-byte chars", Quoted(new string('é', 256)), Encoded(new string('é', 256))),
        HostileValue.Text("empty", "\"\"", ""),
        HostileValue.Text("whitespace", "\"  \\t \"", "%20%20%09%20"),
        HostileValue.Text("bidi and zero-width", "\"\\u202e\\u200b\\ufeff\\uffff\"", "%E2%80%AE%E2%80%8B%EF%BB%BF%EF%BF%BF"),
        HostileValue.Text("LIKE wildcards and quotes", "\"%_\\\\'\\\"--\"", "%25_%5C'%22--"),
        HostileValue.Text("not a GUID", "\"not-a-guid\"", "not-a-guid"),
        HostileValue.Text("empty GUID", "\"00000000-0000-0000-0000-000000000000\"", "00000000-0000-0000-0000-000000000000"),
        HostileValue.Text("number -1", "-1", "-1"),
        HostileValue.Text("number 0", "0", "0"),
        HostileValue.Text("number 2^31", "2147483648", "2147483648"),
        HostileValue.Text("number 2^63", "9223372036854775808", "9223372036854775808"),
        HostileValue.Text("number 99999999999", "99999999999", "99999999999"),
        HostileValue.Text("number 1e400", "1e400", "1e400"),
        HostileValue.Text("number -1e400", "-1e400", "-1e400"),
        HostileValue.Text("number 1.5", "1.5", "1.5"),
        HostileValue.Text("number NaN", "\"NaN\"", "NaN"),
        HostileValue.Text("1,000-digit number", new string('9', 1_000), new string('9', 1_000)),
        HostileValue.Text("true", "true", "true"),
        HostileValue.Text("null", "null", null),
        HostileValue.Text("object", "{\"a\":1}", null),
        HostileValue.Text("empty object", "{}", null),
        HostileValue.Text("array", "[\"a\",1]", null),
        HostileValue.Text("empty array", "[]", null),
        HostileValue.Text("string \"1\"", "\"1\"", null),
        HostileValue.Text("date at the calendar's end", "\"9999-12-31T23:59:59.9999999+00:00\"", "9999-12-31T23:59:59.9999999%2B00:00"),
        HostileValue.Text("date before the epoch", "\"0001-01-01T00:00:00-14:00\"", "0001-01-01T00:00:00-14:00"),
        HostileValue.Text("base64 garbage", "\"AAAA____\"", "AAAA____"),
        HostileValue.Text("base64 of JSON", "\"eyJhIjoxfQ\"", "eyJhIjoxfQ"),
    ];

    /// <summary>Values only for JSON, large enough that they are sampled rather than sent to every field.</summary>
    public static IReadOnlyList<HostileValue> LargeJson { get; } =
    [
        HostileValue.Text("1 MB string", Quoted(new string('d', 1_048_576)), null),
        HostileValue.Text("100,000-element array", "[" + string.Join(',', Enumerable.Range(0, 100_000).Select(i => $"\"d{i}.example\"")) + "]", null),
        HostileValue.Text("10,000-deep array", new string('[', 10_000) + new string(']', 10_000), null),
        HostileValue.Text("10,000-deep object", string.Concat(Enumerable.Repeat("{\"a\":", 10_000)) + "1" + new string('}', 10_000), null),
        HostileValue.Text("10,000 distinct strings", "[" + string.Join(',', Enumerable.Range(0, 10_000).Select(i => $"\"v{i}\"")) + "]", null),
    ];

    /// <summary>Path segments for a route parameter: ids that are not ids, traversal, NUL, length, bad encodings.</summary>
    public static IReadOnlyList<(string Name, string Segment)> PathSegments { get; } =
    [
        ("random GUID", Guid.NewGuid().ToString()),
        ("random token", Infrastructure.Tokens.Random()),
        ("not a GUID", "not-a-guid"),
        ("empty GUID", Guid.Empty.ToString()),
        ("GUID in braces", "{" + Guid.NewGuid() + "}"),
        ("encoded traversal", "..%2f..%2fme"),
        ("dot segments", "%2e%2e"),
        ("NUL", "%00"),
        ("GUID with NUL", Guid.NewGuid() + "%00"),
        ("invalid UTF-8", "%FF%FE"),
        ("overlong UTF-8 slash", "%C0%AF"),
        ("5,000-char segment", new string('a', 5_000)),
        ("number -1", "-1"),
        ("20-digit number", "99999999999999999999"),
        ("space and semicolon", "a%20b;c=d"),
    ];

    /// <summary>A JSON string literal of <paramref name="text"/> (ASCII, or characters JSON can carry verbatim).</summary>
    public static string Quoted(string text) => "\"" + text + "\"";

    private static string Encoded(string text) => Uri.EscapeDataString(text);
}
