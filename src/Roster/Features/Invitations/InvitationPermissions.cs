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
        var rows = new List<Row>(3);
        await foreach (var r in Read.For(db)(db, workspaceId, senderId, userId, grantedPermissionId).WithCancellation(cancellationToken))
        {
            rows.Add(new Row(r.HolderId, r.Id, r.Name, r.Kind, r.Grants));
        }

        return new InvitationPermissions(
            rows.FirstOrDefault(r => r.HolderId is null)?.Snapshot,
            rows.Any(r => r.HolderId == senderId && PermissionEvaluator.CanAdminister(r.Snapshot)),
            userId is null ? null : rows.FirstOrDefault(r => r.HolderId == userId)?.Snapshot);
    }

    private static readonly CompiledQuery<Func<RosterDbContext, Guid, Guid, Guid?, Guid?, IAsyncEnumerable<HeldOrGranted>>> Read = new(() =>
        EF.CompileAsyncQuery((RosterDbContext db, Guid workspaceId, Guid senderId, Guid? userId, Guid? grantedPermissionId) =>
            db.Memberships.AsNoTracking()
                .Where(m => m.WorkspaceId == workspaceId && (m.UserId == senderId || m.UserId == userId))
                .Join(db.Permissions, m => m.PermissionId, p => p.Id, (m, p) => new HeldOrGranted { HolderId = m.UserId, Id = p.Id, Name = p.Name, Kind = p.Kind, Grants = p.Grants })
                .Concat(db.Permissions.AsNoTracking()
                    .Where(p => grantedPermissionId != null && p.Id == grantedPermissionId)
                    .Select(p => new HeldOrGranted { HolderId = null, Id = p.Id, Name = p.Name, Kind = p.Kind, Grants = p.Grants }))));

    /// <summary>A row of the read: a holder's permission, or (no holder) the granted one.</summary>
    private sealed class HeldOrGranted
    {
        public Guid? HolderId { get; init; }

        public Guid Id { get; init; }

        public string Name { get; init; } = "";

        public PermissionKind Kind { get; init; }

        public GrantSet Grants { get; init; } = null!;
    }

    private sealed record Row(Guid? HolderId, Guid Id, string Name, PermissionKind Kind, GrantSet Grants)
    {
        public PermissionSnapshot Snapshot => new(Id, Name, Kind, Grants);
    }
}
