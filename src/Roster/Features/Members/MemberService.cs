using Microsoft.EntityFrameworkCore;
using Roster.Features.Accounts;
using Roster.Infrastructure.Data;
using Roster.Infrastructure.Security;

namespace Roster.Features.Members;

public sealed class MemberService(RosterDbContext db)
{
    public async Task<IReadOnlyList<MemberResponse>> ListAsync(Guid workspaceId, CancellationToken cancellationToken)
    {
        var rows = await db.Memberships
            .Where(m => m.WorkspaceId == workspaceId)
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => new
            {
                m.UserId,
                u.Name,
                u.Email,
                m.Permission,
                m.JoinedAt,
                m.InvitationLinkId,
                LinkHash = db.InvitationLinks.Where(l => l.Id == m.InvitationLinkId).Select(l => l.TokenHash).FirstOrDefault(),
            })
            .AsNoTracking()
            .ToListAsync(cancellationToken);
        return rows
            .OrderBy(r => r.JoinedAt)
            .Select(r => new MemberResponse(
                r.UserId,
                User.DisplayNameOf(r.Name, r.Email),
                r.Email ?? "",
                r.Permission,
                r.JoinedAt,
                r.InvitationLinkId,
                r.LinkHash is null ? null : SecretToken.Fingerprint(r.LinkHash)))
            .ToList();
    }
}
