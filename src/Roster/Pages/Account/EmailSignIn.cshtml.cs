using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Roster.Features.Accounts;
using Roster.Features.EmailCodes;
using Roster.Features.Invitations;
using Roster.Infrastructure.Web;

namespace Roster.Pages.Account;

/// <summary>
/// <c>/login/email</c>: Continue with email asks for an address and emails it a code and a link
/// (<see cref="EmailCodeService"/>). Every valid address gets the same answer, a redirect to the code page; the
/// browser gets an HttpOnly cookie without which the code does not work. Limited per client address
/// (<see cref="RateLimits.Credentials"/>) and per address sent to (<see cref="EmailCodeSendLimiter"/>: a form error
/// with the wait).
/// </summary>
[EnableRateLimiting(RateLimits.Credentials)]
public sealed class EmailSignInModel(
    EmailCodeService codes, EmailCodeSendLimiter sendLimiter, ILookupNormalizer normalizer, InvitationService invitations, SignInCompletion completion)
    : SignInPageModel(invitations, completion)
{
    [BindProperty]
    public string Email { get; set; } = "";

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        await LoadInvitationAsync(cancellationToken);
        var email = EmailAddresses.Parse(Email);
        if (email is null)
        {
            ModelState.AddModelError(nameof(Email), string.IsNullOrWhiteSpace(Email) ? "Enter your email." : EmailAddresses.Message);
            return Page();
        }

        using var lease = sendLimiter.Acquire(normalizer, email);
        if (!lease.IsAcquired)
        {
            var seconds = RateLimits.SetRetryAfter(HttpContext, lease);
            ModelState.AddModelError("", $"We have sent several codes to this address already. Check your email, or try again in {EmailCodeWait.Describe(seconds)}.");
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            return Page();
        }

        var requested = await codes.RequestAsync(email, Invite, ReturnUrl, browserBound: true, cancellationToken);
        EmailCodeCookie.Set(HttpContext, requested);
        return RedirectToPage("/Account/EmailCode", new { invite = Invite, returnUrl = ReturnUrl });
    }
}

/// <summary>How the email-code pages say a wait: its <c>Retry-After</c> seconds in the largest unit that reads well.</summary>
public static class EmailCodeWait
{
    /// <summary>"45 seconds" under two minutes, "14 minutes" under two hours, else "23 hours"; rounded up.</summary>
    public static string Describe(int seconds) => seconds switch
    {
        < 120 => $"{seconds} seconds",
        < 2 * 60 * 60 => $"{(seconds + 59) / 60} minutes",
        _ => $"{(seconds + 3599) / 3600} hours",
    };
}

/// <summary>
/// The cookie that binds a code to the browser that asked for it: the requester's 256-bit secret, HttpOnly,
/// SameSite=Lax, Secure under HTTPS, sent only to <c>/login/email</c> pages, for as long as the code works.
/// </summary>
public static class EmailCodeCookie
{
    public const string Name = ".Roster.EmailCode";

    private const string Path = "/login/email";

    /// <summary>Sets the cookie of a new request (replacing an earlier request's).</summary>
    public static void Set(HttpContext http, EmailCodeRequested requested) =>
        http.Response.Cookies.Append(Name, requested.RequesterSecret, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = http.Request.IsHttps,
            Path = Path,
            Expires = requested.ExpiresAt,
            IsEssential = true,
        });

    /// <summary>The requester's secret, or null.</summary>
    public static string? Read(HttpContext http) => http.Request.Cookies[Name];

    /// <summary>Removes the cookie once its request is spent.</summary>
    public static void Delete(HttpContext http) =>
        http.Response.Cookies.Delete(Name, new CookieOptions { Path = Path, Secure = http.Request.IsHttps, HttpOnly = true, SameSite = SameSiteMode.Lax });
}
