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
    /// <summary>
    /// One read (it is on the accept hot path): the sender's and the person's memberships with their permissions, and
    /// the granted permission, as one <c>UNION ALL</c>; a row with no holder is the granted permission.
    /// </summary>
    public static async Task<InvitationPermissions> ReadAsync(
        RosterDbContext db, Guid workspaceId, Guid senderId, Guid? userId, Guid? grantedPermissionId, CancellationToken cancellationToken)
    {
        var held = db.Memberships.AsNoTracking()
            .Where(m => m.WorkspaceId == workspaceId && (m.UserId == senderId || m.UserId == userId))
            .Join(db.Permissions, m => m.PermissionId, p => p.Id, (m, p) => new { HolderId = (Guid?)m.UserId, p.Id, p.Name, p.Kind, p.Grants });
        var granted = db.Permissions.AsNoTracking()
            .Where(p => grantedPermissionId != null && p.Id == grantedPermissionId)
            .Select(p => new { HolderId = (Guid?)null, p.Id, p.Name, p.Kind, p.Grants });
        var rows = (await held.Concat(granted).ToListAsync(cancellationToken)).Select(r => new Row(r.HolderId, r.Id, r.Name, r.Kind, r.Grants)).ToList();
        return new InvitationPermissions(
            rows.FirstOrDefault(r => r.HolderId is null)?.Snapshot,
            rows.Any(r => r.HolderId == senderId && PermissionEvaluator.CanAdminister(r.Snapshot)),
            userId is null ? null : rows.FirstOrDefault(r => r.HolderId == userId)?.Snapshot);
    }

    private sealed record Row(Guid? HolderId, Guid Id, string Name, PermissionKind Kind, GrantSet Grants)
    {
        public PermissionSnapshot Snapshot => new(Id, Name, Kind, Grants);
    }
}
