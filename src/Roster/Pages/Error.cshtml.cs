using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Roster.Pages;

/// <summary>
/// The friendly error page (<c>/error/{statusCode}</c>), which the status-code pages and the exception handler
/// re-execute in the failed request's method, whatever it was.
/// </summary>
[IgnoreAntiforgeryToken]
public sealed class ErrorModel : PageModel
{
    /// <summary>
    /// The status the person is told about: the response's own when the page answers a failed request (the exception
    /// handler re-executes <c>/error/500</c> for a 409 conflict too), else the one in the address.
    /// </summary>
    public int Status => Response.StatusCode >= 400
        ? Response.StatusCode
        : int.TryParse(Convert.ToString(RouteData.Values["statusCode"], CultureInfo.InvariantCulture), out var status) ? status : 0;

    public void OnGet()
    {
    }

    public void OnPost()
    {
    }

    /// <summary>The seconds the rate limiter asked the person to wait (its <c>Retry-After</c>), when it said.</summary>
    private int? RetryAfter =>
        int.TryParse(Response.Headers.RetryAfter.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0 ? seconds : null;

    public (string Title, string Text) Describe() => Status switch
    {
        400 => ("The form could not be sent", "The page may have been open too long, or the form was sent twice. Go back, reload the page and try again."),
        403 => ("Not allowed", "Your permission in this workspace does not allow this. Ask an Admin of the workspace."),
        404 => ("Page not found", "There is nothing here, or you do not have access to it."),
        405 => ("This page cannot do that", "The page does not take that kind of request. Go back, reload the page and use its buttons."),
        409 => ("Changed at the same time", "Someone else changed this at the same moment, so nothing was saved. Go back, reload the page and try again."),
        413 => ("Too much to send", "The form holds more than Roster accepts. Shorten what you typed and try again."),
        415 => ("The form could not be read", "Your browser sent the form in a way Roster does not read. Reload the page and try again."),
        429 => ("Too many attempts", RetryAfter is { } seconds ? $"Wait {seconds} {(seconds == 1 ? "second" : "seconds")} and try again." : "Wait a minute and try again."),
        _ => ("Something went wrong", "Try again in a moment. If it keeps happening, tell the person who runs Roster."),
    };
}
