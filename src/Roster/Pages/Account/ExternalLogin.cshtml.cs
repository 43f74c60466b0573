using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Roster.Features.ExternalLogins;
using Roster.Infrastructure.Web;

namespace Roster.Pages.Account;

/// <summary>
/// <c>POST /login/external</c>: the "Continue with &lt;provider&gt;" button. It sends the browser to the provider
/// (an OpenID Connect challenge) with the invitation and the return path in the authentication properties, which the
/// handler protects inside the <c>state</c> (the provider cannot read or change them), and the callback at
/// <c>/login/external/callback</c>. A POST with antiforgery, so no other site can start a sign-in for the person.
/// </summary>
[EnableRateLimiting(RateLimits.Credentials)]
public sealed class ExternalLoginModel(OpenIdConnectProviders providers) : PageModel
{
    [BindProperty]
    public string? Provider { get; set; }

    [BindProperty]
    public string? Invite { get; set; }

    [BindProperty]
    public string? ReturnUrl { get; set; }

    public async Task<IActionResult> OnPostAsync()
    {
        if (providers.Find(Provider) is not { } provider)
        {
            return NotFound();
        }

        // A sign-in starts afresh: an external identity left from an earlier, unfinished attempt is forgotten.
        await HttpContext.SignOutAsync(IdentityConstants.ExternalScheme);
        return Challenge(ExternalCallbackModel.Properties(provider, Invite, Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : null, linkTo: null), provider.Scheme);
    }
}
