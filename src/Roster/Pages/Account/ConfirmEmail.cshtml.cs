using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Roster.Features.Accounts;

namespace Roster.Pages.Account;

/// <summary>
/// The link in the verification email. Opening it only shows a button; confirming is a POST, so a mail
/// scanner or link preview that fetches the link confirms nothing.
/// </summary>
public sealed class ConfirmEmailModel(UserManager<User> users) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public Guid UserId { get; set; }

    [BindProperty(SupportsGet = true)]
    public string Code { get; set; } = "";

    public bool Confirmed { get; private set; }

    public bool Invalid { get; private set; }

    public void OnGet()
    {
        Response.Headers.CacheControl = "no-store";
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var user = await users.FindByIdAsync(UserId.ToString());
        var code = AccountEmails.Decode(Code);
        if (user is null || code is null || !(await users.ConfirmEmailAsync(user, code)).Succeeded)
        {
            Invalid = true;
            return Page();
        }

        Confirmed = true;
        return Page();
    }
}
