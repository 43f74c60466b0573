using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Roster.Features.Accounts;
using Roster.Features.ExternalLogins;

namespace Roster.Pages.Account;

/// <summary>
/// Account settings, Sign-in methods (<c>/account/sign-in-methods</c>, signed in; issue 7, item 3): the account's
/// password (set or not), Continue with email (available once the email is verified), and each linked OpenID Connect
/// identity with Unlink; Link for each configured provider not linked yet. The last way to sign in cannot be removed
/// (a field error).
/// </summary>
[Authorize]
public sealed class SignInMethodsModel(UserManager<User> users, ExternalLoginService logins, OpenIdConnectProviders providers) : PageModel
{
    public const string Path = "/account/sign-in-methods";

    public const string LastMethodMessage =
        "This is the only way you can sign in, so it cannot be removed. Set a password or link another provider first.";

    public SignInMethods Methods { get; private set; } = null!;

    /// <summary>The configured providers the account has no identity of.</summary>
    public IReadOnlyList<OpenIdConnectProvider> Unlinked { get; private set; } = [];

    /// <summary>The identity the field error is about (an Unlink that was refused).</summary>
    public Guid? ErrorFor { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (UserId() is not { } userId)
        {
            return Challenge();
        }

        await LoadAsync(userId, cancellationToken);
        return Page();
    }

    /// <summary>Link a provider: a challenge whose callback attaches the identity to this account.</summary>
    public async Task<IActionResult> OnPostLinkAsync(string? provider)
    {
        if (UserId() is not { } userId)
        {
            return Challenge();
        }

        if (providers.Find(provider) is not { } found)
        {
            return NotFound();
        }

        await HttpContext.SignOutAsync(IdentityConstants.ExternalScheme);
        return Challenge(ExternalCallbackModel.Properties(found, invite: null, returnUrl: null, linkTo: userId), found.Scheme);
    }

    /// <summary>Unlink an identity, unless it is the account's last sign-in method.</summary>
    public async Task<IActionResult> OnPostUnlinkAsync(Guid id, CancellationToken cancellationToken)
    {
        if (UserId() is not { } userId)
        {
            return Challenge();
        }

        switch (await logins.UnlinkAsync(userId, id, cancellationToken))
        {
            case ExternalUnlinkOutcome.Unlinked:
                TempData["Notice"] = "The provider is unlinked: it no longer signs in to your account.";
                return RedirectToPage();
            case ExternalUnlinkOutcome.LastSignInMethod:
                ErrorFor = id;
                ModelState.AddModelError("id", LastMethodMessage);
                await LoadAsync(userId, cancellationToken);
                return Page();
            default:
                return NotFound();
        }
    }

    private Guid? UserId() => Guid.TryParse(users.GetUserId(User), out var id) ? id : null;

    private async Task LoadAsync(Guid userId, CancellationToken cancellationToken)
    {
        Methods = await logins.MethodsAsync(userId, cancellationToken);
        var linked = Methods.Identities.Select(i => i.ProviderKey).ToHashSet(StringComparer.Ordinal);
        Unlinked = [.. providers.All.Where(p => !linked.Contains(p.Key))];
    }
}
