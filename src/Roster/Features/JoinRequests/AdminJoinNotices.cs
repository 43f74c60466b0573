using System.Text.Encodings.Web;
using Microsoft.EntityFrameworkCore;
using Roster.Features.Accounts;
using Roster.Features.Members;
using Roster.Features.Permissions;
using Roster.Infrastructure.Data;
using Roster.Infrastructure.Email;
using Roster.Infrastructure.Web;

namespace Roster.Features.JoinRequests;

/// <summary>
/// Tells a workspace's Admins by email when someone asks to join it or joins it, by any door (SPEC section 5, issue 8
/// part 6), through the durable outbox in the caller's transaction: a notice exists if and only if the change committed.
/// An Admin who turned them off (<see cref="Membership.JoinNoticesOffAt"/>, Settings > Workspace or
/// <c>PUT /api/v1/workspaces/{id}/notifications</c>) gets none.
/// </summary>
public sealed class AdminJoinNotices(RosterDbContext db, EmailOutbox outbox, PublicUrls urls)
{
    /// <summary>The outbox kind of a "someone asks to join" notice.</summary>
    public const string RequestedKind = "join_request.admin_notice";

    /// <summary>The outbox kind of a "someone joined" notice.</summary>
    public const string JoinedKind = "member.joined.admin_notice";

    /// <summary>Adds a "someone asks to join" email for each Admin who wants them (not saved: the caller saves). Returns how many.</summary>
    public async Task<int> AddRequestedAsync(Guid workspaceId, string workspaceName, string name, string email, CancellationToken cancellationToken)
    {
        var admins = await RecipientsAsync(workspaceId, exceptUserId: null, cancellationToken);
        var link = urls.Absolute($"/w/{workspaceId}/settings/workspace#join-requests-title");
        var text = $"{Describe(name, email)} asks to join {workspaceName} on Roster (their verified email is on the workspace's company domain). "
            + "Approve them with a permission, or decline, in Settings > Workspace.";
        foreach (var admin in admins)
        {
            outbox.Add(Message(admin, $"{name} asks to join {workspaceName}", text, link, "Review the request"), RequestedKind);
        }

        return admins.Count;
    }

    /// <summary>
    /// Adds a "someone joined" email for each Admin of the workspace who wants them, but not to <paramref name="exceptUserId"/>
    /// (the Admin who let them in knows) nor to the person who joined (not saved: the caller saves). This runs on the
    /// accept hot path (<see cref="MemberService.AddAsync"/>): one query for the Admins to tell and the person's and
    /// workspace's names, then one outbox row per Admin who wants it, written by the caller's save. Returns how many.
    /// </summary>
    public async Task<int> AddJoinedAsync(Guid workspaceId, Guid userId, Guid permissionId, MembershipSource source, Guid? exceptUserId, CancellationToken cancellationToken)
    {
        // One query: the Admins who want the email, and (marked by a null recipient id) the person with the workspace's
        // and the permission's names.
        var admins = AdminsOf(workspaceId)
            .Where(m => m.JoinNoticesOffAt == null && m.UserId != userId && m.UserId != exceptUserId)
            .Join(db.Users, m => m.UserId, admin => admin.Id, (m, admin) => new
            {
                AdminId = (Guid?)admin.Id,
                admin.Name,
                admin.Email,
                Workspace = (string?)null,
                Permission = (string?)null,
            });
        var person = db.Users.Where(u => u.Id == userId).Select(u => new
        {
            AdminId = (Guid?)null,
            u.Name,
            u.Email,
            Workspace = db.Workspaces.Where(w => w.Id == workspaceId).Select(w => w.Name).FirstOrDefault(),
            Permission = db.Permissions.Where(p => p.Id == permissionId).Select(p => p.Name).FirstOrDefault(),
        });
        var rows = await admins.Concat(person).AsNoTracking().ToListAsync(cancellationToken);
        var facts = rows.FirstOrDefault(r => r.AdminId is null);
        var recipients = rows.Where(r => r.AdminId is not null && r.Email is not null).Select(r => r.Email!).ToList();
        if (recipients.Count == 0 || facts?.Workspace is null)
        {
            return 0;
        }

        var name = User.DisplayNameOf(facts.Name, facts.Email);
        var how = source switch
        {
            MembershipSource.InvitationLink => "with an invitation link",
            MembershipSource.EmailInvitation => "with an email invitation",
            MembershipSource.JoinRequest => "after an Admin approved their request",
            MembershipSource.CompanyDomain => "automatically, through the company domain",
            _ => "",
        };
        var text = $"{Describe(name, facts.Email ?? "")} joined {facts.Workspace} {how} as {facts.Permission}.";
        var link = urls.Absolute($"/w/{workspaceId}/settings/members");
        foreach (var admin in recipients)
        {
            outbox.Add(Message(admin, $"{name} joined {facts.Workspace}", text, link, "See the members"), JoinedKind);
        }

        return recipients.Count;
    }

    private async Task<List<string>> RecipientsAsync(Guid workspaceId, Guid? exceptUserId, CancellationToken cancellationToken) =>
        (await AdminsOf(workspaceId)
            .Where(m => m.JoinNoticesOffAt == null && m.UserId != exceptUserId)
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => u.Email)
            .Where(address => address != null)
            .ToListAsync(cancellationToken))!;

    /// <summary>
    /// The workspace's Admins' memberships, found from its Admin permissions (by the permissions' workspace index, then
    /// the memberships' permission index): the cost follows the number of Admins, not of members, so it stays flat in
    /// a workspace of 100,000 (a membership's permission is always one of its own workspace's).
    /// </summary>
    private IQueryable<Membership> AdminsOf(Guid workspaceId) =>
        db.Memberships.AsNoTracking().Where(m => db.Permissions
            .Where(p => p.WorkspaceId == workspaceId).Where(PermissionQueries.Administers).Select(p => p.Id).Contains(m.PermissionId));

    private static string Describe(string name, string email) =>
        email.Length == 0 || name == email ? name : $"{name} ({email})";

    private static EmailMessage Message(string to, string subject, string text, string link, string linkText)
    {
        var footer = "You get these emails as an Admin; turn them off in Settings > Workspace.";
        return new EmailMessage(
            to,
            subject,
            $"{text}\n\n{linkText}: {link}\n\n{footer}\n",
            $"<p>{HtmlEncoder.Default.Encode(text)}</p><p><a href=\"{HtmlEncoder.Default.Encode(link)}\">{HtmlEncoder.Default.Encode(linkText)}</a></p><p>{HtmlEncoder.Default.Encode(footer)}</p>");
    }
}
