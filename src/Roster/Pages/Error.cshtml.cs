using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Roster.Pages;

[IgnoreAntiforgeryToken]
public sealed class ErrorModel : PageModel
{
    public int Status { get; private set; }

    public void OnGet() => Status = StatusFromRoute();

    public void OnPost() => Status = StatusFromRoute();

    // Read from the route, not bound: a POST re-executed here may carry a form the server cannot read (a NUL in a
    // URL-encoded value), and then model binding binds nothing and the page would show the generic text.
    private int StatusFromRoute() =>
        int.TryParse(RouteData.Values["statusCode"]?.ToString(), System.Globalization.CultureInfo.InvariantCulture, out var status) ? status : 500;

    public (string Title, string Text) Describe() => Status switch
    {
        400 => ("The form could not be sent", "The page may have been open too long, or the form was sent twice. Go back, reload the page and try again."),
        403 => ("Not allowed", "Your permission in this workspace does not allow this. Ask an Admin of the workspace."),
        404 => ("Page not found", "There is nothing here, or you do not have access to it."),
        429 => ("Too many attempts", "Wait a minute and try again."),
        _ => ("Something went wrong", "Try again in a moment. If it keeps happening, tell the person who runs Roster."),
    };
}
