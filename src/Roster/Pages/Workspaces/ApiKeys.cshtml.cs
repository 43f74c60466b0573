using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Roster.Features.Accounts;
using Roster.Features.ApiKeys;
using Roster.Features.Permissions;
using Roster.Features.Workspaces;
using Roster.Infrastructure.Authorization;

namespace Roster.Pages.Workspaces;

/// <summary>
/// Settings > API keys (Admins): the workspace's keys for the authorization API. A new key's secret is shown
/// once, in the answer to the POST that created it, and kept nowhere else.
/// </summary>
[Authorize(Policy = WorkspacePolicies.Admin)]
public sealed class ApiKeysModel(WorkspaceService workspaces, UserManager<User> users, PermissionService permissions, ApiKeyService apiKeys)
    : SettingsPageModel(workspaces, users, permissions)
{
    protected override SettingsSection Section => SettingsSection.ApiKeys;

    public IReadOnlyList<ApiKeyResponse> Keys { get; private set; } = [];

    /// <summary>The key just created, with its secret: set only on the POST's own answer.</summary>
    public CreatedApiKey? Created { get; private set; }

    /// <summary>The name as posted, kept in the field when it was refused.</summary>
    public string? Name { get; private set; }

    public string? NameError { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) =>
        await LoadAsync(cancellationToken) ? Page() : NotFound();

    public async Task<IActionResult> OnPostCreateAsync(string? name, CancellationToken cancellationToken)
    {
        var result = await apiKeys.CreateAsync(Actor.From(HttpContext), WorkspaceId, new CreateApiKeyRequest(name), cancellationToken);
        if (!await LoadAsync(cancellationToken))
        {
            return NotFound();
        }

        if (!result.IsSuccess)
        {
            Name = name;
            NameError = Describe(result.Error!);
            return Page();
        }

        // Rendered here rather than after a redirect: a redirect would have to carry the secret in TempData (a
        // cookie) or the URL. no-store keeps this answer, the only copy of the secret, out of every cache.
        Created = result.Value;
        Response.Headers.CacheControl = "no-store";
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid keyId, CancellationToken cancellationToken)
    {
        var result = await apiKeys.RevokeAsync(Actor.From(HttpContext), WorkspaceId, keyId, cancellationToken);
        if (!result.IsSuccess)
        {
            if (!await LoadAsync(cancellationToken))
            {
                return NotFound();
            }

            ErrorMessage = Describe(result.Error!);
            return Page();
        }

        TempData["Notice"] = $"The API key {result.Value.Name} ({result.Value.Fingerprint}) was revoked. Requests with it are refused from now on.";
        return RedirectToPage(new { workspaceId = WorkspaceId });
    }

    private async Task<bool> LoadAsync(CancellationToken cancellationToken)
    {
        if (!await LoadHeaderAsync(cancellationToken))
        {
            return false;
        }

        Keys = await apiKeys.ListAsync(WorkspaceId, keyId: null, cancellationToken);
        return true;
    }
}
