using Microsoft.EntityFrameworkCore;
using Roster.Features.Audit;
using Roster.Features.Plans;
using Roster.Infrastructure.Authorization;
using Roster.Infrastructure.Data;
using Roster.Infrastructure.Errors;
using Roster.Infrastructure.Text;

namespace Roster.Features.Permissions;

/// <summary>A workspace's permissions: the built-ins and the custom sets its Admins make (Settings > Permission Management).</summary>
public sealed class PermissionService(RosterDbContext db, MenuCatalog menus, PlanService plans, AuditLog audit, TimeProvider time)
{
    /// <summary>
    /// The workspace's permissions in display order (built-ins first: Admin, Member, Viewer; then custom ones by
    /// name). With <paramref name="withMemberCounts"/>, how many members hold each (one grouped query).
    /// </summary>
    public async Task<IReadOnlyList<PermissionSummary>> ListAsync(Guid workspaceId, bool withMemberCounts, CancellationToken cancellationToken)
    {
        var permissions = await db.Permissions.AsNoTracking()
            .Where(p => p.WorkspaceId == workspaceId)
            .Select(p => new { p.Id, p.Name, p.Kind, p.Grants })
            .ToListAsync(cancellationToken);
        var counts = withMemberCounts
            ? await db.Memberships.Where(m => m.WorkspaceId == workspaceId)
                .GroupBy(m => m.PermissionId)
                .Select(g => new { PermissionId = g.Key, Count = g.Count() })
                .ToDictionaryAsync(g => g.PermissionId, g => g.Count, cancellationToken)
            : [];
        return permissions
            .OrderBy(p => p.Kind == PermissionKind.Custom ? int.MaxValue : (int)p.Kind)
            .ThenBy(p => p.Name, StringComparer.OrdinalIgnoreCase)
            .Select(p => new PermissionSummary(new PermissionSnapshot(p.Id, p.Name, p.Kind, p.Grants), counts.GetValueOrDefault(p.Id)))
            .ToList();
    }

    public async Task<Result<PermissionSummary>> GetAsync(Guid workspaceId, Guid permissionId, CancellationToken cancellationToken)
    {
        var found = await db.Permissions.AsNoTracking()
            .Where(p => p.WorkspaceId == workspaceId && p.Id == permissionId)
            .Select(p => new
            {
                Permission = new PermissionSnapshot(p.Id, p.Name, p.Kind, p.Grants),
                Members = db.Memberships.Count(m => m.PermissionId == p.Id),
            })
            .SingleOrDefaultAsync(cancellationToken);
        return found is null ? PermissionErrors.NotFound : new PermissionSummary(found.Permission, found.Members);
    }

    /// <summary>
    /// Finds a permission of the workspace named in a request: by id, or by name ignoring case (SPEC section 8:
    /// <c>"Viewer"</c> or an id). Null when the workspace has none such.
    /// </summary>
    public async Task<PermissionSnapshot?> ResolveAsync(Guid workspaceId, string? nameOrId, CancellationToken cancellationToken)
    {
        var text = (nameOrId ?? "").Trim();
        if (text.Length == 0 || text.Length > 64)
        {
            return null;
        }

        var query = db.Permissions.AsNoTracking().Where(p => p.WorkspaceId == workspaceId);
        if (Guid.TryParse(text, out var id))
        {
            query = query.Where(p => p.Id == id);
        }
        else
        {
            var normalized = Permission.Normalize(text);
            query = query.Where(p => p.NormalizedName == normalized);
        }

        return await query.Select(p => new PermissionSnapshot(p.Id, p.Name, p.Kind, p.Grants)).SingleOrDefaultAsync(cancellationToken);
    }

    /// <summary>
    /// Creates a custom permission (its <c>permission.created</c> entry in the same save). Errors: 403
    /// <c>plan.feature_locked</c> (the plan lacks <c>custom-permissions</c>), <c>validation_failed</c> (name, grants),
    /// 409 <c>permission.name_taken</c>.
    /// </summary>
    public async Task<Result<PermissionSummary>> CreateAsync(Actor actor, Guid workspaceId, PermissionRequest request, CancellationToken cancellationToken)
    {
        if (await plans.RequireAsync(workspaceId, PlanFeature.CustomPermissions, cancellationToken) is { } locked)
        {
            return locked;
        }

        var fields = new Dictionary<string, string[]>();
        var name = ValidateName(request.Name, fields);
        var grants = ValidateGrants(request.Grants ?? new Dictionary<string, IReadOnlyList<string>>(), fields);
        if (fields.Count > 0)
        {
            return Error.Validation(fields);
        }

        var permission = Permission.Custom(workspaceId, name!, grants!, time.GetUtcNowForStorage());
        db.Permissions.Add(permission);
        audit.Add(actor, workspaceId, AuditActions.PermissionCreated, AuditTargets.ForPermission(permission.Id, permission.Name), details: DescribeGrants(grants!));
        return await SaveUniqueAsync(workspaceId, permission.NormalizedName, permission.Id, cancellationToken) is { } error
            ? error
            : new PermissionSummary(permission.ToSnapshot(), 0);
    }

    /// <summary>
    /// Renames a custom permission and/or replaces its grants (a <c>permission.updated</c> entry in the same save,
    /// when anything changed). Members hold its id, so nobody's membership changes; their access does, on their next
    /// request. Errors: 403 <c>plan.feature_locked</c> (the plan lacks <c>custom-permissions</c>: members keep what
    /// they hold, and deleting stays allowed), 404 <c>permission.not_found</c>, 409 <c>permission.built_in</c>,
    /// 409 <c>permission.name_taken</c>, <c>validation_failed</c>.
    /// </summary>
    public async Task<Result<PermissionSummary>> UpdateAsync(Actor actor, Guid workspaceId, Guid permissionId, PermissionRequest request, CancellationToken cancellationToken)
    {
        if (await plans.RequireAsync(workspaceId, PlanFeature.CustomPermissions, cancellationToken) is { } locked)
        {
            return locked;
        }

        var fields = new Dictionary<string, string[]>();
        var name = request.Name is null ? null : ValidateName(request.Name, fields);
        var grants = request.Grants is null ? null : ValidateGrants(request.Grants, fields);
        if (fields.Count > 0)
        {
            return Error.Validation(fields);
        }

        // Locks the row first (a no-op update), so of two edits at once the second reads what the first wrote (its entry
        // names the name it really replaced), and a delete meanwhile is seen here as "not found", not as a lost update.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var rowLocked = await db.Permissions.Where(p => p.WorkspaceId == workspaceId && p.Id == permissionId)
            .ExecuteUpdateAsync(setters => setters.SetProperty(p => p.Name, p => p.Name), cancellationToken);
        var permission = rowLocked == 0
            ? null
            : await db.Permissions.SingleOrDefaultAsync(p => p.WorkspaceId == workspaceId && p.Id == permissionId, cancellationToken);
        if (permission is null)
        {
            return PermissionErrors.NotFound;
        }

        if (permission.BuiltIn)
        {
            return PermissionErrors.BuiltIn;
        }

        var changes = new List<string>();
        if (name is not null && name != permission.Name)
        {
            changes.Add($"Renamed {permission.Name} → {name}");
            permission.Rename(name);
        }

        if (grants is not null && !grants.Equals(permission.Grants))
        {
            changes.Add($"Grants: {DescribeGrants(grants)}");
            permission.ChangeGrants(grants);
        }

        if (changes.Count > 0)
        {
            // Written by the same save as the change; a name conflict clears both.
            audit.Add(actor, workspaceId, AuditActions.PermissionUpdated, AuditTargets.ForPermission(permission.Id, permission.Name), details: string.Join("; ", changes));
        }

        if (await SaveUniqueAsync(workspaceId, permission.NormalizedName, permission.Id, cancellationToken) is { } error)
        {
            return error;
        }

        await transaction.CommitAsync(cancellationToken);
        return await GetAsync(workspaceId, permissionId, cancellationToken);
    }

    /// <summary>
    /// Deletes a custom permission nobody holds (its <c>permission.deleted</c> entry in the same save). Links that granted it stop working (they refuse with
    /// <c>invitation.permission_removed</c>). Errors: 404, 409 <c>permission.built_in</c>, 409 <c>permission.in_use</c>.
    /// </summary>
    public async Task<Result<PermissionSnapshot>> DeleteAsync(Actor actor, Guid workspaceId, Guid permissionId, CancellationToken cancellationToken)
    {
        var permission = await db.Permissions.SingleOrDefaultAsync(p => p.WorkspaceId == workspaceId && p.Id == permissionId, cancellationToken);
        if (permission is null)
        {
            return PermissionErrors.NotFound;
        }

        if (permission.BuiltIn)
        {
            return PermissionErrors.BuiltIn;
        }

        // The membership's foreign key (Restrict) is the guard against a member joining with it meanwhile: the
        // delete then fails in the database, and that is reported as "in use" too.
        if (await db.Memberships.AnyAsync(m => m.PermissionId == permissionId, cancellationToken))
        {
            return PermissionErrors.InUse;
        }

        db.Permissions.Remove(permission);
        audit.Add(actor, workspaceId, AuditActions.PermissionDeleted, AuditTargets.ForPermission(permission.Id, permission.Name));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            if (await HeldAsync(permissionId, cancellationToken))
            {
                return PermissionErrors.InUse;
            }

            if (!await db.Permissions.AnyAsync(p => p.Id == permissionId, cancellationToken))
            {
                // Deleted by another request meanwhile (the delete found no row): it is gone either way.
                return PermissionErrors.NotFound;
            }

            throw;
        }

        return permission.ToSnapshot();
    }

    /// <summary>A grid of grants as one line of text for the audit log: <c>billing: edit, read-only; reports: data-read</c>.</summary>
    private static string DescribeGrants(GrantSet grants)
    {
        var held = grants.Entries
            .Where(entry => entry.Value != Grants.None)
            .Select(entry => $"{entry.Key}: {string.Join(", ", entry.Value.ToWireList())}")
            .ToList();
        return held.Count == 0 ? "none" : string.Join("; ", held);
    }

    /// <summary>Checks a grid of grants: known menus and known grant names only.</summary>
    public GrantSet? ValidateGrants(IReadOnlyDictionary<string, IReadOnlyList<string>> input, Dictionary<string, string[]> fields)
    {
        if (input.Count > menus.All.Count)
        {
            fields["grants"] = [$"At most {menus.All.Count} menus."];
            return null;
        }

        var entries = new List<KeyValuePair<string, Grants>>();
        foreach (var (menuKey, grantNames) in input)
        {
            if (menus.Find(menuKey) is null)
            {
                fields[$"grants.{Truncate(menuKey)}"] = [$"No menu has the key '{Truncate(menuKey)}'. GET /api/v1/menus lists them."];
                continue;
            }

            var value = Grants.None;
            foreach (var grantName in (grantNames ?? []).Take(GrantNames.Each.Count + 1))
            {
                if (!GrantNames.TryParse(grantName, out var grant))
                {
                    fields[$"grants.{menuKey}"] = [$"'{Truncate(grantName)}' is not a grant. Use edit, read-only, data-download or data-read."];
                    break;
                }

                value |= grant;
            }

            entries.Add(new(menuKey, value));
        }

        return GrantSet.From(entries);
    }

    /// <summary>The permission's grants on every menu, as the wire shows them.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> GrantsOnEveryMenu(PermissionSnapshot permission) =>
        PermissionEvaluator.GrantsOnEveryMenu(permission, menus)
            .Where(entry => entry.Grants != Grants.None)
            .ToDictionary(entry => entry.Menu.Key, entry => entry.Grants.ToWireList());

    public PermissionResponse ToResponse(PermissionSummary summary) => new(
        summary.Permission.Id,
        summary.Permission.Name,
        summary.BuiltIn,
        PermissionEvaluator.CanAdminister(summary.Permission),
        GrantsOnEveryMenu(summary.Permission),
        summary.Members);

    private static string? ValidateName(string? input, Dictionary<string, string[]> fields)
    {
        var name = (input ?? "").Trim();
        if (name.Length == 0 || StorableText.Length(name) > Permission.NameMaxLength || name.Any(char.IsControl) || StorableText.Problem(name) is not null)
        {
            fields["name"] = [$"Give the permission a name of 1 to {Permission.NameMaxLength} characters."];
            return null;
        }

        if (Guid.TryParse(name, out _))
        {
            // Requests name a permission by name or id: a name that reads as an id would be ambiguous.
            fields["name"] = ["A permission's name cannot look like an id."];
            return null;
        }

        return name;
    }

    private async Task<Error?> SaveUniqueAsync(Guid workspaceId, string normalizedName, Guid permissionId, CancellationToken cancellationToken)
    {
        if (await db.Permissions.AnyAsync(p => p.WorkspaceId == workspaceId && p.NormalizedName == normalizedName && p.Id != permissionId, cancellationToken))
        {
            db.ChangeTracker.Clear();
            return PermissionErrors.NameTaken;
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            if (await db.Permissions.AnyAsync(p => p.WorkspaceId == workspaceId && p.NormalizedName == normalizedName && p.Id != permissionId, cancellationToken))
            {
                // Two Admins chose the same name at once: the unique index refused the second.
                return PermissionErrors.NameTaken;
            }

            throw;
        }
    }

    private Task<bool> HeldAsync(Guid permissionId, CancellationToken cancellationToken) =>
        db.Memberships.AnyAsync(m => m.PermissionId == permissionId, cancellationToken);

    private static string Truncate(string? text) => text is null ? "" : text.Length <= 40 ? text : text[..40];
}
