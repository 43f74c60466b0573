using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Roster.Features.Sessions;
using Roster.Infrastructure.Authorization;
using Roster.Infrastructure.Errors;
using Roster.Infrastructure.Web;

namespace Roster.Features.Accounts;

/// <summary>
/// Roster's own account API under <c>/api/v1/auth</c>, in place of Identity's <c>MapIdentityApi</c>, which also offered
/// what Roster does not support (<c>manage/info</c> accepted a new email and never completed the change;
/// <c>manage/2fa</c> turned on a second factor that <c>/login</c> cannot complete; <c>GET confirmEmail</c> changed
/// state on a GET). Each route applies the rules the pages apply (<see cref="AccountService"/>). Every route is
/// limited per client address (<c>RateLimits.Credentials</c>) and, when it names an account, per account
/// (<see cref="AccountRateLimitFilter"/>). Errors are problem+json with a stable code; a field that is missing or
/// invalid is 400 <c>validation_failed</c> naming it.
/// </summary>
/// <remarks>
/// <code>
/// POST register              { email, password, name? }          200; an address with an account answers the same
/// POST login                 { email, password } ?useCookies     200 { tokenType, accessToken, expiresIn, refreshToken }, or the cookie; 401 auth.failed
/// POST refresh               { refreshToken }                    200 new tokens; 401 auth.required
/// POST logout                (signed in)                          204
/// POST forgot-password       { email }                           200 whether or not the address has an account
/// POST reset-password        { email, resetCode, newPassword }   200; 400 auth.invalid_reset_code
/// POST confirm-email         { userId, code, password }          200; 400 auth.invalid_confirmation, or validation_failed on password
/// POST resend-confirmation   { email }                           200 whether or not the address has an account
/// </code>
/// </remarks>
public static class AuthApi
{
    /// <summary>The longest password or other secret accepted, in characters (NIST SP 800-63B: at least 64 allowed).</summary>
    public const int SecretMaxLength = 1024;

    /// <summary>The longest token (refresh token, reset code, confirmation code, user id) accepted, in characters.</summary>
    public const int TokenMaxLength = 4096;

    private static readonly string[] RequiredMessage = ["A value is required."];

    /// <summary>Maps the routes under <paramref name="api"/> (the <c>/api/v1</c> group).</summary>
    public static RouteGroupBuilder MapAuthApi(this RouteGroupBuilder api)
    {
        var auth = api.MapGroup("/auth").WithTags("Auth")
            .RequireRateLimiting(RateLimits.Credentials)
            .AddEndpointFilter<AccountRateLimitFilter>();
        auth.MapPost("/register", RegisterAsync).WithSummary("Creates an account with a password; an address that has one answers the same.");
        auth.MapPost("/login", LoginAsync).WithSummary("Signs in with email and password: bearer tokens, or the session cookie with ?useCookies=true.");
        auth.MapPost("/refresh", RefreshAsync).WithSummary("Exchanges a refresh token for new tokens while its account and session are still valid.");
        auth.MapPost("/logout", LogoutAsync).RequireAuthorization().WithSummary("Ends the caller's session.");
        auth.MapPost("/forgot-password", ForgotPasswordAsync).WithSummary("Sends a password reset link if the address has an account.");
        auth.MapPost("/reset-password", ResetPasswordAsync).WithSummary("Sets a new password with the code of a reset link; ends every other session.");
        auth.MapPost("/confirm-email", ConfirmEmailAsync).WithSummary("Verifies the account's address with the code of its verification link.");
        auth.MapPost("/resend-confirmation", ResendConfirmationAsync).WithSummary("Sends the verification link again if the address has an unverified account.");
        return api;
    }

    private static async Task<Results<Ok, ProblemHttpResult>> RegisterAsync(
        RegisterRequest request, AccountService accounts, CancellationToken cancellationToken)
    {
        var registered = await accounts.RegisterAsync(request.Email, request.Password, request.Name, invitationToken: null, cancellationToken);
        return registered.IsSuccess ? TypedResults.Ok() : registered.Error!.ToProblem();
    }

    private static async Task<Results<Ok<AccessTokenResponse>, EmptyHttpResult, ProblemHttpResult>> LoginAsync(
        LoginRequest request, bool? useCookies, AccountService accounts, SignInManager<User> signInManager, HttpContext http)
    {
        if (Missing(("email", request.Email), ("password", request.Password)) is { } missing)
        {
            return missing;
        }

        if (!EmailAddresses.IsLookup(request.Email))
        {
            return Error.Validation("email", EmailAddresses.Message).ToProblem();
        }

        var user = await accounts.CheckPasswordAsync(request.Email!, request.Password!, ClientAddress(http));
        if (user is null)
        {
            // One answer for every failure: unknown account, wrong password, locked out, disabled.
            return ProblemResults.Problem(StatusCodes.Status401Unauthorized, AccountService.SignInFailed.Code, AccountService.SignInFailed.Message);
        }

        // The bearer handler writes { tokenType, accessToken, expiresIn, refreshToken } itself; the cookie handler sets the cookie.
        signInManager.AuthenticationScheme = useCookies == true ? IdentityConstants.ApplicationScheme : IdentityConstants.BearerScheme;
        await signInManager.SignInAsync(user, isPersistent: true);
        return TypedResults.Empty;
    }

    private static async Task<Results<Ok<AccessTokenResponse>, SignInHttpResult, ProblemHttpResult>> RefreshAsync(
        RefreshRequest request,
        SignInManager<User> signInManager,
        IOptionsMonitor<BearerTokenOptions> bearerOptions,
        SessionService sessions,
        TimeProvider time)
    {
        if (Missing(("refreshToken", request.RefreshToken)) is { } missing)
        {
            return missing;
        }

        var ticket = bearerOptions.Get(IdentityConstants.BearerScheme).RefreshTokenProtector.Unprotect(request.RefreshToken);
        var user = ticket?.Properties.ExpiresUtc is { } expires && time.GetUtcNow() < expires
            ? await signInManager.ValidateSecurityStampAsync(ticket.Principal)
            : null;

        // The stamp check refuses a token from before a password reset, a first proof of the address or a disabling (each
        // rotates the stamp); a lockout and a disabled account are refused here too, whatever the stamp.
        if (user is null || user.DisabledAt is not null || await signInManager.UserManager.IsLockedOutAsync(user))
        {
            return ProblemResults.Problem(StatusCodes.Status401Unauthorized, "auth.required", "Sign in again.");
        }

        var principal = await signInManager.CreateUserPrincipalAsync(user);
        if (principal.FindSessionId() is null && ticket!.Principal.FindFirst(SessionClaims.SessionId) is { } session
            && principal.Identity is ClaimsIdentity identity)
        {
            // The same session as the token it replaces, so ending the session ends this token too.
            identity.AddClaim(new Claim(session.Type, session.Value));
        }

        if (principal.FindSessionId() is { Length: > 0 } continued)
        {
            // The new refresh token lives a full lifetime from now, and so does its session (Session.ExpiresAt).
            await sessions.ExtendAsync(user.Id, continued, SessionKind.Bearer, CancellationToken.None);
        }

        return TypedResults.SignIn(principal, authenticationScheme: IdentityConstants.BearerScheme);
    }

    private static async Task<NoContent> LogoutAsync(HttpContext http, SignInManager<User> signInManager)
    {
        await EndSessionAsync(http);
        if (http.Request.Cookies.ContainsKey(HostPrefixedCookieManager.NameFor(http.Request, CookieNames.Application)))
        {
            await signInManager.SignOutAsync();
        }

        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok, ProblemHttpResult>> ForgotPasswordAsync(
        EmailRequest request, AccountService accounts, CancellationToken cancellationToken)
    {
        var sent = await accounts.ForgotPasswordAsync(request.Email, cancellationToken);
        return sent.IsSuccess ? TypedResults.Ok() : sent.Error!.ToProblem();
    }

    private static async Task<Results<Ok, ProblemHttpResult>> ResetPasswordAsync(
        ResetPasswordRequest request, AccountService accounts, HttpContext http, CancellationToken cancellationToken)
    {
        if (Missing(("email", request.Email), ("resetCode", request.ResetCode), ("newPassword", request.NewPassword)) is { } missing)
        {
            return missing;
        }

        if (!EmailAddresses.IsLookup(request.Email))
        {
            return Error.Validation("email", EmailAddresses.Message).ToProblem();
        }

        var reset = await accounts.ResetPasswordAsync(request.Email, request.ResetCode, request.NewPassword, ClientAddress(http), cancellationToken);
        return reset.IsSuccess ? TypedResults.Ok() : reset.Error!.ToProblem();
    }

    private static async Task<Results<Ok, ProblemHttpResult>> ConfirmEmailAsync(
        ConfirmEmailRequest request, AccountService accounts, HttpContext http, CancellationToken cancellationToken)
    {
        if (Missing(("userId", request.UserId), ("code", request.Code)) is { } missing)
        {
            return missing;
        }

        var confirmed = await accounts.ConfirmEmailAsync(
            request.UserId, request.Code, http.User, signUpBrowser: false, request.Password, ClientAddress(http), cancellationToken);
        return confirmed.IsSuccess ? TypedResults.Ok() : confirmed.Error!.ToProblem();
    }

    private static async Task<Results<Ok, ProblemHttpResult>> ResendConfirmationAsync(
        EmailRequest request, AccountService accounts, CancellationToken cancellationToken)
    {
        var sent = await accounts.ResendConfirmationAsync(request.Email, cancellationToken);
        return sent.IsSuccess ? TypedResults.Ok() : sent.Error!.ToProblem();
    }

    /// <summary>Ends the caller's session: every copy of its cookie, access token and refresh token is refused from now on.</summary>
    private static async Task EndSessionAsync(HttpContext http)
    {
        if (http.User.FindUserId() is { } userId && http.User.FindSessionId() is { Length: > 0 } sessionId)
        {
            await http.RequestServices.GetRequiredService<SessionService>().EndAsync(userId, sessionId, SessionEndReason.SignedOut, http.RequestAborted);
        }
    }

    private static ProblemHttpResult? Missing(params (string Field, string? Value)[] fields)
    {
        var missing = fields.Where(field => string.IsNullOrEmpty(field.Value)).ToDictionary(field => field.Field, _ => RequiredMessage);
        return missing.Count == 0 ? null : Error.Validation(missing).ToProblem();
    }

    private static string? ClientAddress(HttpContext http) => http.Connection.RemoteIpAddress?.ToString();
}
