using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Roster.Features.AccessTokens;
using Roster.Infrastructure.Authorization;
using Roster.Infrastructure.Errors;

namespace Roster.Pages.Account;

/// <summary>
/// Account settings > Personal access tokens (<c>/account/tokens</c>): create a token for one workspace with a
/// permission no higher than one's own there, list them with their last use, revoke. A new token's secret is shown
/// once, in the answer to the POST that created it, and kept nowhere else.
/// </summary>
[Authorize]
public sealed class TokensModel(PersonalAccessTokenService tokens) : PageModel
{
    /// <summary>The life a new token gets unless the person chooses another, in days.</summary>
    public const int DefaultLifetimeDays = 30;

    public IReadOnlyList<AccessTokenResponse> Tokens { get; private set; } = [];

    /// <summary>Every (workspace, permission) the person may give a token, for the one select.</summary>
    public IReadOnlyList<GrantableAccess> Grantable { get; private set; } = [];

    /// <summary>The token just created, with its secret: set only on the POST's own answer.</summary>
    public CreatedAccessToken? Created { get; private set; }

    [BindProperty]
    public string? Name { get; set; }

    /// <summary>The chosen workspace and permission, as <c>workspaceId:permissionId</c>.</summary>
    [BindProperty]
    public string? Access { get; set; }

    [BindProperty]
    public int? ExpiresInDays { get; set; } = DefaultLifetimeDays;

    public Dictionary<string, string> Errors { get; } = [];

    public string? ErrorMessage { get; private set; }

    public DateTimeOffset Now { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken cancellationToken)
    {
        var parts = (Access ?? "").Split(':');
        Guid? workspaceId = parts.Length == 2 && Guid.TryParse(parts[0], out var parsed) ? parsed : null;
        var result = await tokens.CreateAsync(
            Actor.From(HttpContext),
            new CreateAccessTokenRequest(Name, workspaceId, parts.Length == 2 ? parts[1] : null, ExpiresInDays),
            cancellationToken);
        if (!result.IsSuccess)
        {
            foreach (var (field, messages) in result.Error!.Fields ?? new Dictionary<string, string[]>())
            {
                Errors[field is "workspaceId" or "permission" ? "access" : field] = messages[0];
            }

            if (Errors.Count == 0)
            {
                ErrorMessage = result.Error.Message;
            }

            await LoadAsync(cancellationToken);
            return Page();
        }

        // Rendered here rather than after a redirect: a redirect would have to carry the secret in TempData (a cookie)
        // or the URL. no-store keeps this answer, the only copy of the secret, out of every cache.
        Created = result.Value;
        Name = null;
        ExpiresInDays = DefaultLifetimeDays;
        Response.Headers.CacheControl = "no-store";
        await LoadAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid tokenId, CancellationToken cancellationToken)
    {
        var result = await tokens.RevokeAsync(Actor.From(HttpContext), tokenId, cancellationToken);
        if (!result.IsSuccess)
        {
            ErrorMessage = result.Error!.Message;
            await LoadAsync(cancellationToken);
            return Page();
        }

        TempData["Notice"] = $"The token {result.Value.Name} ({result.Value.Fingerprint}) was revoked. Requests with it are refused from now on.";
        return RedirectToPage();
    }

    /// <summary>Whether the token still works, and if not why: revoked, expired or active.</summary>
    public (string Status, string Css) StatusOf(AccessTokenResponse token) =>
        token.RevokedAt is not null ? ("revoked", "status-revoked")
        : token.ExpiresAt <= Now ? ("expired", "status-revoked")
        : ("active", "status-active");

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var userId = User.UserId();
        Now = HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        Tokens = await tokens.ListAsync(userId, cancellationToken);
        Grantable = await tokens.GrantableAsync(userId, cancellationToken);
    }
}
