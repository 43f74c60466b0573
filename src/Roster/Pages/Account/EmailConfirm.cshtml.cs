using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Roster.Features.Accounts;
using Roster.Features.EmailCodes;
using Roster.Infrastructure.Web;

namespace Roster.Pages.Account;

/// <summary>
/// <c>/login/email/confirm?token=...</c>: the emailed link. GET only shows a Sign in button and changes nothing, so a
/// mail scanner that follows the link signs nobody in and spends nothing; the POST signs in on whatever browser it
/// comes from (the link is 256 bits) and spends the request's code too.
/// </summary>
[EnableRateLimiting(RateLimits.Credentials)]
public sealed class EmailConfirmModel(EmailCodeService codes, SignInManager<User> signInManager, SignInCompletion completion) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Token { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Invite { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// <summary>The address the link signs in, while it works.</summary>
    public string? Email { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Email = await codes.LinkEmailAsync(Token, cancellationToken);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var verified = await codes.VerifyLinkAsync(Token, HttpContext.Connection.RemoteIpAddress?.ToString(), cancellationToken);
        if (!verified.IsSuccess)
        {
            if (verified.Error != EmailCodeErrors.Invalid)
            {
                ModelState.AddModelError("", verified.Error!.Message);
            }

            return Page();
        }

        await signInManager.SignInAsync(verified.Value.User, isPersistent: true);
        var outcome = await completion.CompleteAsync(verified.Value.User, Invite, ReturnUrl, Url, cancellationToken);
        TempData["Notice"] = outcome.Notice;

        // The address was proven just now for an account created before: the person sees what it holds first.
        return LocalRedirect(verified.Value.FirstProof ? ProvenModel.PathFor(outcome.RedirectUrl) : outcome.RedirectUrl);
    }
}
