using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Roster.Features.Accounts;
using Roster.Infrastructure.Authorization;

namespace Roster.Pages.Account;

/// <summary>
/// The page after an account's address is proven for the first time (<see cref="AddressProof"/>): the workspaces the
/// account already belongs to, each with who else is Admin there, so a person who proves an address someone else signed
/// up with notices what they inherited (and can leave, or remove those Admins) before they go on.
/// </summary>
[Authorize]
public sealed class ProvenModel(AddressProof proof) : PageModel
{
    /// <summary>Where <c>Continue</c> goes: a local path, else the dashboard.</summary>
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public IReadOnlyList<ProvenWorkspace> Workspaces { get; private set; } = [];

    public string ContinueUrl => !string.IsNullOrEmpty(ReturnUrl) && Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/";

    /// <summary>The path of this page, continuing to <paramref name="returnUrl"/>.</summary>
    public static string PathFor(string returnUrl) => $"/account/proven?returnUrl={Uri.EscapeDataString(returnUrl)}";

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-store";
        Workspaces = await proof.WorkspacesAsync(User.UserId(), cancellationToken);
    }
}
