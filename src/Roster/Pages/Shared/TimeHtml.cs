using System.Globalization;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc.Rendering;

namespace Roster.Pages.Shared;

/// <summary>
/// The one way a page shows a time: <c>@Html.Time(value)</c>. The server writes it in UTC, in one fixed format, with
/// the exact instant in <c>datetime</c> and the UTC text in <c>title</c>; <c>wwwroot/js/local-time.js</c> then
/// rewrites the text into the viewer's own time zone and language (the title keeps UTC, shown on hover). Without
/// script the page still reads, in UTC, and says so.
/// </summary>
public static class TimeHtml
{
    /// <summary>The attribute that marks a time for <c>local-time.js</c>.</summary>
    public const string Marker = "data-local-time";

    /// <summary>The text of a time in UTC: "30 Nov 2026, 01:02 UTC".</summary>
    public static string UtcText(DateTimeOffset value) =>
        value.UtcDateTime.ToString("d MMM yyyy, HH:mm", CultureInfo.InvariantCulture) + " UTC";

    /// <summary>The machine-readable instant: "2026-11-30T01:02:03Z" (to the second).</summary>
    public static string Instant(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// <c>&lt;time datetime="2026-11-30T01:02:03Z" title="30 Nov 2026, 01:02 UTC"&gt;30 Nov 2026, 01:02 UTC&lt;/time&gt;</c>,
    /// which the viewer's browser shows in their local time.
    /// </summary>
    public static IHtmlContent Time(this IHtmlHelper html, DateTimeOffset value)
    {
        ArgumentNullException.ThrowIfNull(html);
        var text = HtmlEncoder.Default.Encode(UtcText(value));
        return new HtmlString($"<time datetime=\"{Instant(value)}\" title=\"{text}\" {Marker}>{text}</time>");
    }
}
