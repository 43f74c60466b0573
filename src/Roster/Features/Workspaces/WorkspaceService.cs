using Microsoft.EntityFrameworkCore;
using Roster.Features.Accounts;
using Roster.Features.Members;
using Roster.Features.Permissions;
using Roster.Infrastructure.Data;
using Roster.Infrastructure.Errors;

namespace Roster.Features.Workspaces;

public sealed class WorkspaceService(RosterDbContext db, TimeProvider time)
{
    public async Task<Result<WorkspaceResponse>> CreateAsync(Guid userId, CreateWorkspaceRequest request, CancellationToken cancellationToken)
    {
        var name = (request.Name ?? "").Trim();
        if (name.Length == 0 || name.Length > Workspace.NameMaxLength)
        {
            return Error.Validation("name", $"Give the workspace a name of 1 to {Workspace.NameMaxLength} characters.");
        }

        var workspace = await CreateWithAdminAsync(userId, name, cancellationToken);
        return new WorkspaceResponse(workspace.Id, workspace.Name, BuiltInPermissions.Admin, 1, workspace.CreatedAt);
    }

    /// <summary>
    /// The seed's first sign-in: someone who belongs to no workspace gets one of their own, as its Admin.
    /// Returns the workspace to open (their last used one when they already have some).
    /// </summary>
    public async Task<Guid> EnsureWorkspaceAsync(User user, CancellationToken cancellationToken)
    {
        var existing = await DefaultWorkspaceIdAsync(user.Id, cancellationToken);
        if (existing is { } id)
        {
            return id;
        }

        var workspace = await CreateWithAdminAsync(user.Id, Workspace.DefaultNameFor(user.DisplayName), cancellationToken);
        return workspace.Id;
    }

    /// <summary>The last used workspace if the user is still a member of it, else their oldest membership.</summary>
    public async Task<Guid?> DefaultWorkspaceIdAsync(Guid userId, CancellationToken cancellationToken)
    {
        var last = await db.Users.Where(u => u.Id == userId).Select(u => u.LastWorkspaceId).SingleOrDefaultAsync(cancellationToken);
        var memberships = db.Memberships.Where(m => m.UserId == userId);
        if (last is { } lastId && await memberships.AnyAsync(m => m.WorkspaceId == lastId, cancellationToken))
        {
            return lastId;
        }

        return await memberships.OrderBy(m => m.JoinedAt).Select(m => (Guid?)m.WorkspaceId).FirstOrDefaultAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<WorkspaceResponse>> ListForUserAsync(Guid userId, CancellationToken cancellationToken) =>
        await WorkspacesOf(userId, workspaceId: null).ToListAsync(cancellationToken);

    public async Task<WorkspaceResponse?> GetForMemberAsync(Guid workspaceId, Guid userId, CancellationToken cancellationToken) =>
        await WorkspacesOf(userId, workspaceId).SingleOrDefaultAsync(cancellationToken);

    /// <summary>Remembers the workspace the user opened, so the dashboard opens it next time.</summary>
    public Task RememberLastUsedAsync(Guid userId, Guid workspaceId, CancellationToken cancellationToken) =>
        db.Users.Where(u => u.Id == userId && u.LastWorkspaceId != workspaceId)
            .ExecuteUpdateAsync(setters => setters.SetProperty(u => u.LastWorkspaceId, workspaceId), cancellationToken);

    /// <summary>The user's workspaces (or one of them) as they see them: with their permission and the member count, by name.</summary>
    private IQueryable<WorkspaceResponse> WorkspacesOf(Guid userId, Guid? workspaceId) =>
        db.Memberships
            .Where(m => m.UserId == userId && (workspaceId == null || m.WorkspaceId == workspaceId))
            .Join(db.Workspaces, m => m.WorkspaceId, w => w.Id, (m, w) => new { Membership = m, Workspace = w })
            .OrderBy(x => x.Workspace.Name)
            .Select(x => new WorkspaceResponse(
                x.Workspace.Id, x.Workspace.Name, x.Membership.Permission, db.Memberships.Count(o => o.WorkspaceId == x.Workspace.Id), x.Workspace.CreatedAt));

    private async Task<Workspace> CreateWithAdminAsync(Guid userId, string name, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNowForStorage();
        var workspace = new Workspace(name, userId, now);
        db.Workspaces.Add(workspace);
        db.Memberships.Add(new Membership(workspace.Id, userId, BuiltInPermissions.Admin, now));
        var user = await db.Users.FindAsync([userId], cancellationToken) ?? throw new InvalidOperationException("Unknown user.");
        user.LastWorkspaceId = workspace.Id;
        await db.SaveChangesAsync(cancellationToken);
        return workspace;
    }
}
