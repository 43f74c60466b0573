using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Roster.Pages;

[IgnoreAntiforgeryToken]
public sealed class ErrorModel : PageModel
{
    public int Status { get; private set; }

    public void OnGet(int statusCode) => Status = Chosen(statusCode);

    public void OnPost(int statusCode) => Status = Chosen(statusCode);

    public (string Title, string Text) Describe() => Status switch
    {
        400 => ("The form could not be sent", "The page may have been open too long, or the form was sent twice. Go back, reload the page and try again."),
        403 => ("Not allowed", "Your permission in this workspace does not allow this. Ask an Admin of the workspace."),
        404 => ("Page not found", "There is nothing here, or you do not have access to it."),
        413 => ("Too much to send", "The form holds more than Roster accepts. Shorten what you typed and try again."),
        415 => ("The form could not be read", "Your browser sent the form in a way Roster does not read. Reload the page and try again."),
        429 => ("Too many attempts", "Wait a minute and try again."),
        _ => ("Something went wrong", "Try again in a moment. If it keeps happening, tell the person who runs Roster."),
    };

    /// <summary>
    /// The status the response already has when an error was re-executed here (a 404, or a refused body's 400 or 413
    /// after an exception), else the one in the URL (someone opened /error/404 itself).
    /// </summary>
    private int Chosen(int statusCode) => Response.StatusCode >= 400 ? Response.StatusCode : statusCode;
}
