using Microsoft.EntityFrameworkCore;
using Roster.Features.Permissions;
using Roster.Infrastructure.Data;

namespace Roster.Features.Invitations;

/// <summary>
/// What an invitation's verdict needs to know about permissions, for links and email invitations alike: the permission it
/// grants (null when an Admin deleted it), whether its sender still administers the workspace (an invitation stops when
/// its sender lost the right to invite), and the permission the person already holds there (null when they are not a
/// member, or nobody is signed in).
/// </summary>
public sealed record InvitationPermissions(PermissionSnapshot? Granted, bool SenderAdministers, PermissionSnapshot? Existing)
{
    /// <summary>Two reads: the sender's and the person's memberships with their permissions, then the granted permission.</summary>
    public static async Task<InvitationPermissions> ReadAsync(
        RosterDbContext db, Guid workspaceId, Guid senderId, Guid? userId, Guid? grantedPermissionId, CancellationToken cancellationToken)
    {
        var held = await db.Memberships.AsNoTracking()
            .Where(m => m.WorkspaceId == workspaceId && (m.UserId == senderId || m.UserId == userId))
            .Join(db.Permissions, m => m.PermissionId, p => p.Id, (m, p) => new { m.UserId, Permission = new PermissionSnapshot(p.Id, p.Name, p.Kind, p.Grants) })
            .ToListAsync(cancellationToken);
        var granted = grantedPermissionId is { } permissionId
            ? await db.Permissions.AsNoTracking().Where(p => p.Id == permissionId)
                .Select(p => new PermissionSnapshot(p.Id, p.Name, p.Kind, p.Grants)).SingleOrDefaultAsync(cancellationToken)
            : null;
        return new InvitationPermissions(
            granted,
            held.Any(h => h.UserId == senderId && PermissionEvaluator.CanAdminister(h.Permission)),
            userId is null ? null : held.FirstOrDefault(h => h.UserId == userId)?.Permission);
    }
}
