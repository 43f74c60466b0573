using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Roster.Features.Accounts;
using Roster.Infrastructure.Errors;
using Roster.Infrastructure.Web;

namespace Roster.Features.EmailCodes;

/// <summary>Body of <c>POST /api/v1/auth/email-code</c>: the address to send a code and a link to.</summary>
public sealed record EmailCodeRequest(string? Email);

/// <summary>
/// The 202 answer: <paramref name="Challenge"/> (43 base64url characters, 256 bits), which a client may send back with
/// the code to bind it to itself. The same shape for every valid address, with or without an account.
/// </summary>
public sealed record EmailCodeChallengeResponse(string Challenge, DateTimeOffset ExpiresAt);

/// <summary>Body of <c>POST /api/v1/auth/email-code/verify</c>.</summary>
public sealed record EmailCodeVerifyRequest(string? Email, string? Code, string? Challenge);

/// <summary>
/// Continue with email on the API (issue 7 item 1), under <c>/api/v1/auth</c>:
/// <list type="table">
/// <item><term>POST /email-code</term><description><c>{ email }</c> → 202 <c>{ challenge, expiresAt }</c> for every valid
/// address; 400 <c>validation_failed</c> for an address mail cannot go to (MimeKit's strict parser); 429
/// <c>rate_limited</c> with <c>Retry-After</c> past the sends per address (<see cref="EmailCodeSendLimiter"/>) or the
/// client's credential budget.</description></item>
/// <item><term>POST /email-code/verify</term><description><c>{ email, code }</c>, optionally <c>challenge</c> → 200 with bearer tokens as
/// <c>/login</c> answers them; 401 <c>email_code.invalid</c> for every failure (wrong code, expired, used, five tries
/// spent, another requester's challenge, another address); 403 <c>auth.account_disabled</c> after the right code of a
/// disabled account; 400 <c>validation_failed</c> when the email or the code is missing; 429 <c>rate_limited</c> with
/// <c>Retry-After</c> per account and per client, and, right code or wrong, once the address's daily budget of wrong
/// codes is spent (<see cref="EmailCodeGuessBudget"/>: Retry-After is then the seconds until its oldest counted wrong
/// code is 24 hours old).</description></item>
/// </list>
/// </summary>
/// <remarks>
/// The binding. A browser's code is bound to the browser's HttpOnly cookie, which an API client does not have. The API
/// keeps SPEC section 8's <c>{ email, code }</c>: an API request's code works with its address, within its five tries.
/// The binding does not stop a guesser who asks for codes to someone else's address (the guesser holds the challenge of
/// each request it asked for): 5 sends per 15 minutes give it 480 requests x 5 tries = 2,400 guesses a day against
/// 10^8 codes, about 1 in 42,000 a day and 1 in 115 a year. The address's daily budget of wrong codes (default 20,
/// <see cref="EmailCodeGuessBudget"/>) brings that to about 1 in 5,000,000 a day and 1 in 13,700 a year, whichever
/// way the codes are sent (challenge, address alone, or a browser's cookie). A client that wants the same binding as a browser sends back
/// the <c>challenge</c> the request answered (a random 256-bit value whose SHA-256 is on the request row, as the
/// cookie's is): the code then works only with it. A browser's code is never accepted by the API without its cookie's
/// value, so a code read off a screen stays useless to anyone else. Binding to the client's IP address was rejected:
/// mobile and office clients change or share addresses.
/// </remarks>
public static class EmailCodeApi
{
    /// <summary>Maps the two routes under <paramref name="api"/> (the <c>/api/v1</c> group).</summary>
    public static RouteGroupBuilder MapEmailCodeApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/auth/email-code").WithTags("Auth").RequireRateLimiting(RateLimits.Credentials);
        group.MapPost("", RequestAsync);
        group.MapPost("/verify", VerifyAsync);
        return api;
    }

    private static async Task<Results<Accepted<EmailCodeChallengeResponse>, ProblemHttpResult>> RequestAsync(
        EmailCodeRequest request, EmailCodeService codes, EmailCodeSendLimiter sendLimiter, ILookupNormalizer normalizer,
        HttpContext http, CancellationToken cancellationToken)
    {
        var email = EmailAddresses.Parse(request.Email);
        if (email is null)
        {
            return Error.Validation("email", EmailAddresses.Message).ToProblem();
        }

        using var lease = sendLimiter.Acquire(normalizer, email);
        if (!lease.IsAcquired)
        {
            return RateLimits.Rejected(http, lease);
        }

        var requested = await codes.RequestAsync(email, invitation: null, returnUrl: null, browserBound: false, cancellationToken);
        return TypedResults.Accepted((string?)null, new EmailCodeChallengeResponse(requested.RequesterSecret, requested.ExpiresAt));
    }

    private static async Task<Results<EmptyHttpResult, ProblemHttpResult>> VerifyAsync(
        EmailCodeVerifyRequest request, EmailCodeService codes, AccountRateLimiter accountLimiter, SignInManager<User> signInManager,
        HttpContext http, CancellationToken cancellationToken)
    {
        var missing = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Email))
        {
            missing["email"] = ["Enter the email address the code was sent to."];
        }

        if (string.IsNullOrWhiteSpace(request.Code))
        {
            missing["code"] = ["Enter the code from the email."];
        }

        if (missing.Count > 0)
        {
            return Error.Validation(missing).ToProblem();
        }

        using var lease = accountLimiter.Acquire(http, request.Email);
        if (lease is { IsAcquired: false })
        {
            return RateLimits.Rejected(http, lease);
        }

        var challenge = string.IsNullOrEmpty(request.Challenge) ? null : request.Challenge;
        var verification = await codes.VerifyCodeAsync(challenge, request.Email, request.Code, http.Connection.RemoteIpAddress?.ToString(), cancellationToken);
        if (verification.RetryAfter is { } wait)
        {
            return RateLimits.Rejected(http, wait);
        }

        var verified = verification.Result;
        if (!verified.IsSuccess)
        {
            var error = verified.Error!;
            return error == EmailCodeErrors.Invalid
                ? ProblemResults.Problem(StatusCodes.Status401Unauthorized, error.Code, error.Message)
                : error.ToProblem();
        }

        // As Identity's login does: the bearer scheme writes the access and refresh tokens, and every sign-in goes
        // through SignInWithClaimsAsync (where sessions begin).
        signInManager.AuthenticationScheme = IdentityConstants.BearerScheme;
        await signInManager.SignInAsync(verified.Value.User, isPersistent: false);
        return TypedResults.Empty;
    }
}
