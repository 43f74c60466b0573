using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Roster.Features.Accounts;
using Roster.Features.EmailCodes;
using Roster.Infrastructure.Web;

namespace Roster.Pages.Account;

/// <summary>
/// <c>/login/email/code</c>: the code from the email, in the browser that asked for it (its <see cref="EmailCodeCookie"/>),
/// signs in and ends in <see cref="SignInCompletion"/> (the invitation carried along, or the person's workspace). One
/// form error for every failure. Limited per client address and per account attempted (<see cref="AccountRateLimiter"/>),
/// and per address by its daily budget of wrong codes (<see cref="EmailCodeGuessBudget"/>: 429, a form error with the wait).
/// </summary>
[EnableRateLimiting(RateLimits.Credentials)]
public sealed class EmailCodeModel(EmailCodeService codes, AccountRateLimiter accountLimiter, SignInManager<User> signInManager, SignInCompletion completion)
    : PageModel
{
    public const string FailureMessage = "That code is not right, or it has expired or been used. Check the latest email, or ask for a new code.";

    [BindProperty(SupportsGet = true)]
    public string? Invite { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty]
    public string Code { get; set; } = "";

    /// <summary>Where this browser's live request was sent, or null when it has none.</summary>
    public string? SentTo { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        SentTo = await codes.PendingEmailAsync(EmailCodeCookie.Read(HttpContext), cancellationToken);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var secret = EmailCodeCookie.Read(HttpContext);
        SentTo = await codes.PendingEmailAsync(secret, cancellationToken);
        if (SentTo is null)
        {
            return Page();
        }

        if (EmailCodeService.Digits(Code) is null)
        {
            ModelState.AddModelError(nameof(Code), $"Enter the {EmailCodeService.CodeLength}-digit code from the email.");
            return Page();
        }

        using var lease = accountLimiter.Acquire(HttpContext, SentTo);
        if (lease is { IsAcquired: false })
        {
            RateLimits.SetRetryAfter(HttpContext, lease);
            return StatusCode(StatusCodes.Status429TooManyRequests);
        }

        var verification = await codes.VerifyCodeAsync(secret, email: null, Code, HttpContext.Connection.RemoteIpAddress?.ToString(), cancellationToken);
        if (verification.RetryAfter is { } wait)
        {
            // The address's daily budget of wrong codes is spent (EmailCodeGuessBudget): no code is compared, right or
            // wrong. The emailed link is not counted, so the person is pointed to it.
            var seconds = RateLimits.SetRetryAfter(HttpContext, wait);
            ModelState.AddModelError("", $"Too many attempts: too many wrong codes have been tried for this address. Try again in {EmailCodeWait.Describe(seconds)}, or open the link in the email.");
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            return Page();
        }

        var verified = verification.Result;
        if (!verified.IsSuccess)
        {
            ModelState.AddModelError("", verified.Error == EmailCodeErrors.Invalid ? FailureMessage : verified.Error!.Message);
            SentTo = await codes.PendingEmailAsync(secret, cancellationToken) ?? SentTo;
            return Page();
        }

        EmailCodeCookie.Delete(HttpContext);
        await signInManager.SignInAsync(verified.Value.User, isPersistent: true);
        var outcome = await completion.CompleteAsync(verified.Value.User, Invite, ReturnUrl, Url, cancellationToken);
        TempData["Notice"] = outcome.Notice;

        // The address was proven just now for an account created before: the person sees what it holds first.
        return LocalRedirect(verified.Value.FirstProof ? ProvenModel.PathFor(outcome.RedirectUrl) : outcome.RedirectUrl);
    }
}
