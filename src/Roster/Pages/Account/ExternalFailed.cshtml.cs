using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Roster.Pages.Account;

/// <summary>
/// <c>/login/external/failed</c>: where a provider's sign-in ends when it fails at the provider (denied, an error) or on
/// the way back (a state that does not decrypt, a missing correlation cookie as with a replayed callback, a nonce or
/// PKCE mismatch): a page that says so, never a 500. It changes nothing and shows nothing but the reason's kind.
/// </summary>
public sealed class ExternalFailedModel : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Reason { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Invite { get; set; }

    public bool Denied => Reason == "denied";

    public void OnGet()
    {
    }
}
