using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Roster.Features.Accounts;
using Roster.Features.Audit;
using Roster.Features.ExternalLogins;
using Roster.Infrastructure.Authorization;
using Roster.Infrastructure.Web;

namespace Roster.Pages.Account;

/// <summary>
/// <c>/login/external/callback</c>: where the browser lands after a provider's OpenID Connect handler has checked the
/// answer (state, correlation cookie, nonce, PKCE, the id token's signature, issuer and audience) and written the
/// external identity into Identity's short-lived external cookie. It resolves the identity
/// (<see cref="ExternalLoginService"/>), signs the account in and completes the sign-in (the invitation carried
/// along), or links the identity to the signed-in account when it came from account settings.
/// </summary>
/// <remarks>
/// A GET, as every OAuth redirect back is (RFC 6749, section 3.1.2), and yet it signs in: it acts only on the external
/// cookie that the handler wrote after those checks, and forgets that cookie at once, so neither another site nor a
/// second visit can make it act (a replayed provider callback fails the correlation check and ends on the failure page).
/// </remarks>
[EnableRateLimiting(RateLimits.Credentials)]
public sealed class ExternalCallbackModel(
    SignInManager<User> signInManager, ExternalLoginService logins, SignInCompletion completion, OpenIdConnectProviders providers, AuditLog audit) : PageModel
{
    public const string LinkErrorKey = "SignInMethodsError";

    /// <summary>The provider's name, for the messages.</summary>
    public string ProviderName { get; private set; } = "the provider";

    /// <summary>Why the person is not signed in, or null.</summary>
    public ExternalSignInOutcome? Refusal { get; private set; }

    /// <summary>The sign-in did not complete (no external identity, or one Roster cannot key on).</summary>
    public bool Incomplete { get; private set; }

    public string? Invite { get; private set; }

    public string? ReturnUrl { get; private set; }

    /// <summary>The authentication properties of a challenge: what the callback needs, carried inside the protected state.</summary>
    public static AuthenticationProperties Properties(OpenIdConnectProvider provider, string? invite, string? returnUrl, Guid? linkTo)
    {
        var properties = new AuthenticationProperties { RedirectUri = "/login/external/callback" };
        properties.Items[ExternalLoginItems.Provider] = provider.Key;
        if (!string.IsNullOrEmpty(invite))
        {
            properties.Items[ExternalLoginItems.Invite] = invite;
        }

        if (!string.IsNullOrEmpty(returnUrl))
        {
            properties.Items[ExternalLoginItems.ReturnUrl] = returnUrl;
        }

        if (linkTo is { } userId)
        {
            properties.Items[ExternalLoginItems.LinkTo] = userId.ToString();
        }

        return properties;
    }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var result = await HttpContext.AuthenticateAsync(IdentityConstants.ExternalScheme);

        // The external identity serves this one request.
        await HttpContext.SignOutAsync(IdentityConstants.ExternalScheme);
        if (!result.Succeeded || ExternalIdentity.From(result.Principal, result.Properties) is not { } identity)
        {
            Incomplete = true;
            return Page();
        }

        var properties = result.Properties;
        ProviderName = providers.Find(identity.ProviderKey)?.DisplayName ?? ProviderName;
        Invite = properties.GetString(ExternalLoginItems.Invite);
        ReturnUrl = properties.GetString(ExternalLoginItems.ReturnUrl);
        if (properties.GetString(ExternalLoginItems.LinkTo) is { } linkTo)
        {
            return await LinkAsync(identity, linkTo, cancellationToken);
        }

        var signIn = await logins.SignInAsync(identity, cancellationToken);
        if (!signIn.SignsIn)
        {
            Roster.Infrastructure.Telemetry.RosterMetrics.OpenIdConnectSignIn(AuditActions.SignInFailed);
            Refusal = signIn.Outcome;
            return Page();
        }

        // Every sign-in goes through SignInManager (a new session, the security stamp in the cookie).
        var user = signIn.User!;
        await signInManager.SignInAsync(user, isPersistent: true, authenticationMethod: identity.ProviderKey);

        // In the account's sign-in activity (/account), like a password or email-code sign-in.
        await audit.WriteAsync(
            Actor.ForUser(user.Id, HttpContext.Connection.RemoteIpAddress?.ToString()), workspaceId: null, AuditActions.SignInSucceeded,
            target: null, CancellationToken.None, outcome: AuditOutcome.Success, accountId: user.Id);
        Roster.Infrastructure.Telemetry.RosterMetrics.OpenIdConnectSignIn(AuditActions.SignInSucceeded);
        var outcome = await completion.CompleteAsync(user, Invite, ReturnUrl, Url, cancellationToken);
        TempData["Notice"] = outcome.Notice;
        return LocalRedirect(outcome.RedirectUrl);
    }

    private async Task<IActionResult> LinkAsync(ExternalIdentity identity, string linkTo, CancellationToken cancellationToken)
    {
        // The account that asked to link must still be the one signed in here (not signed out, nor another meanwhile).
        var signedIn = signInManager.UserManager.GetUserId(User);
        if (signedIn is null || !string.Equals(signedIn, linkTo, StringComparison.Ordinal) || !Guid.TryParse(linkTo, out var userId))
        {
            Incomplete = true;
            return Page();
        }

        var linked = await logins.LinkAsync(userId, identity, cancellationToken);
        switch (linked)
        {
            case ExternalLinkOutcome.Linked:
                TempData["Notice"] = $"{ProviderName} is linked: you can now sign in with it.";
                break;
            case ExternalLinkOutcome.LinkedAndProven:
                // The first proof of the address ended every session, this one too: a fresh one for the person who proved it,
                // who then sees what the account holds.
                if (await signInManager.UserManager.FindByIdAsync(linkTo) is { } account)
                {
                    await signInManager.SignInAsync(account, isPersistent: true, authenticationMethod: identity.ProviderKey);
                }

                TempData["Notice"] = $"{ProviderName} is linked, and it verified your email address: every other device was signed out.";
                return LocalRedirect(ProvenModel.PathFor(SignInMethodsModel.Path));
            case ExternalLinkOutcome.AlreadyLinked:
                TempData["Notice"] = $"This {ProviderName} account was already linked to yours.";
                break;
            default:
                TempData[LinkErrorKey] = $"This {ProviderName} account is linked to another Roster account, so it cannot be linked to yours. Sign in to that account to unlink it first.";
                break;
        }

        return LocalRedirect(SignInMethodsModel.Path);
    }
}
