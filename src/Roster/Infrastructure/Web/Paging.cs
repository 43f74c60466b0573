using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Roster.Infrastructure.Web;

/// <summary>
/// One page of a list that grows with a workspace (SPEC section 8): the items, the cursor of the next page
/// (null on the last) and how many items the whole list holds.
/// </summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? Next, int Total);

/// <summary>What a caller asked for: <c>?limit=</c> (default 50, at most 200) and <c>?after=&lt;cursor&gt;</c>.</summary>
public readonly record struct PageRequest(int Limit, string? After)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    public static PageRequest First(int limit = DefaultLimit) => new(limit, null);
}

/// <summary>
/// Keyset cursors: the sort key of the last item of a page (a UTC time in ticks and an id), base64url. Opaque to
/// clients; a cursor that does not decode is a validation error, never a 500.
/// </summary>
public static class KeysetCursor
{
    // The longest text a cursor holds: 19 digits of ticks (DateTimeOffset.MaxValue), ':' and 32 hex digits.
    private const int MaxTextLength = 19 + 1 + 32;

    public static string Encode(DateTimeOffset at, Guid id) =>
        Base64Url.EncodeToString(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{at.UtcTicks}:{id:N}")));

    public static bool TryDecode(string? cursor, out DateTimeOffset at, out Guid id)
    {
        at = default;
        id = default;
        // Bounded by what Encode can produce (today's ticks already need 70 characters, 52 bytes), so any cursor
        // this list gave out decodes, and anything longer is refused before decoding.
        if (string.IsNullOrEmpty(cursor) || cursor.Length > Base64Url.GetEncodedLength(MaxTextLength))
        {
            return false;
        }

        // TryDecodeFromChars returns false only for a short destination: it throws on characters outside base64url.
        Span<byte> bytes = stackalloc byte[MaxTextLength];
        if (!Base64Url.IsValid(cursor) || !Base64Url.TryDecodeFromChars(cursor, bytes, out var written))
        {
            return false;
        }

        var text = Encoding.ASCII.GetString(bytes[..written]);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0
            || !long.TryParse(text.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            || ticks > DateTimeOffset.MaxValue.UtcTicks
            || !Guid.TryParseExact(text.AsSpan(colon + 1), "N", out id))
        {
            return false;
        }

        at = new DateTimeOffset(ticks, TimeSpan.Zero);
        return true;
    }

    /// <summary>Checks a page request's limit and cursor; the error names the field.</summary>
    public static Errors.Error? Validate(PageRequest request, out DateTimeOffset? afterAt, out Guid afterId)
    {
        afterAt = null;
        afterId = default;
        if (request.Limit is < 1 or > PageRequest.MaxLimit)
        {
            return Errors.Error.Validation("limit", $"Must be between 1 and {PageRequest.MaxLimit}.");
        }

        if (request.After is not null)
        {
            if (!TryDecode(request.After, out var at, out afterId))
            {
                return Errors.Error.Validation("after", "Not a cursor this list gave out. Use the 'next' value of the previous page.");
            }

            afterAt = at;
        }

        return null;
    }
}
