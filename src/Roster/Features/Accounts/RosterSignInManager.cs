using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Roster.Features.Accounts;

/// <summary>
/// Identity's sign-in manager with one rule added: a disabled account (<see cref="User.DisabledAt"/>, set by the
/// operator's <c>users disable</c>) cannot sign in by password, on any path (the <c>/login</c> and sign-up pages and
/// <c>POST /api/v1/auth/login</c> all end in <see cref="CheckPasswordSignInAsync"/>). The answer is
/// <see cref="SignInResult.NotAllowed"/>, which Roster gives for nothing else (it requires no confirmed email or phone
/// to sign in), so the pages and the API can name it.
/// </summary>
/// <remarks>
/// The rule is applied after the password check, not in <c>CanSignInAsync</c> (which Identity asks before it): only
/// someone who knows the password learns that the account is disabled, and wrong passwords still count towards the
/// lockout. Sessions and tokens that a disabled account already holds are refused by the security-stamp check on
/// every request (<c>WorkspaceAccess</c>), which also covers any sign-in path that skips the password.
/// </remarks>
public sealed class RosterSignInManager(
    UserManager<User> userManager,
    IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<User> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor,
    ILogger<SignInManager<User>> logger,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<User> confirmation)
    : SignInManager<User>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    /// <summary>Identity's password check; a disabled account with the right password gets <see cref="SignInResult.NotAllowed"/>.</summary>
    public override async Task<SignInResult> CheckPasswordSignInAsync(User user, string password, bool lockoutOnFailure)
    {
        var result = await base.CheckPasswordSignInAsync(user, password, lockoutOnFailure);
        return result.Succeeded && user.DisabledAt is not null ? SignInResult.NotAllowed : result;
    }
}
