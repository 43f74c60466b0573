using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Roster.Features.AccessTokens;
using Roster.Features.Audit;
using Roster.Features.Permissions;
using Roster.Features.Sessions;
using Roster.Infrastructure.Authorization;
using Roster.Infrastructure.Data;

namespace Roster.Features.Accounts;

/// <summary>How an account's address was proven: what the person did with a secret sent to that mailbox.</summary>
public enum ProofKind
{
    /// <summary>The verification link sent to the address when the account was created (or sent again on request).</summary>
    ConfirmationLink,

    /// <summary>A password reset from a link sent to the address.</summary>
    PasswordReset,

    /// <summary>A one-time email code or link ("Continue with email", engineer C's part).</summary>
    EmailCode,

    /// <summary>An OpenID Connect provider that asserted <c>email_verified</c> for the address (engineer D's part).</summary>
    ExternalProvider,
}

/// <summary>
/// A workspace the account belongs to when its address is proven, with the other Admins there, and what the account
/// made there that still works: <paramref name="ApiKeys"/> (not revoked) and <paramref name="LiveLinks"/> (invitation
/// links neither revoked, expired nor used up). Made before the proof, they may be a stranger's way back in.
/// </summary>
public sealed record ProvenWorkspace(Guid Id, string Name, string Permission, IReadOnlyList<string> OtherAdmins, int ApiKeys = 0, int LiveLinks = 0);

/// <summary>
/// What happens when an account's address is proven for the first time, the defence against account pre-hijacking
/// (issue 7 item 7; Sudhodanan and Paverd, "Pre-hijacked accounts", USENIX Security 2022; ASVS 4.0 V2.5 and V3.3): a
/// stranger can sign up with someone else's address before its owner does, build a workspace, let a second account of
/// theirs in as Admin, or link an identity of their own, and wait. When the owner later proves the address, the
/// stranger must lose every foothold, and the owner must see what the account already holds.
/// </summary>
/// <remarks>
/// <para>At the first proof (the account's <see cref="IdentityUser{TKey}.EmailConfirmed"/> goes from false to true), in
/// one save with the caller's own change:</para>
/// <list type="bullet">
/// <item>the email is marked verified;</item>
/// <item>the security stamp is rotated: every session cookie, bearer token and refresh token issued before the proof is
/// refused on its next request (CookieSecurityStamp and BearerSecurityStampMiddleware compare it on every request), so
/// whoever held the account before the proof is signed out everywhere;</item>
/// <item>external logins added before the proof are removed (the OpenID Connect identities of <c>ExternalLogins</c>, all
/// but the one proving the address, and any AspNetUserLogins row): a stranger's own provider identity linked to the
/// account would otherwise keep signing in;</item>
/// <item>every session row is ended, every personal access token revoked, and a pending email change dropped;</item>
/// <item>the password set before the proof is removed unless the proof is the verification link
/// (<see cref="ProofKind.ConfirmationLink"/>) or a reset (which replaces the password in the same save). The
/// verification link is generated for this account and sent only to its address, when the account was created with
/// that password: clicking it shows the mailbox's owner took part in that sign-up, and removing the password would lock
/// out every person who simply verifies the account they just created. A proof by email code or by a provider says
/// nothing about who chose the password: it may be the stranger's, so it goes (the person sets one in account settings,
/// or signs in by email again);</item>
/// <item>an <c>account.address_proven</c> entry is recorded in the account's activity, with the method.</item>
/// </list>
/// <para>A later proof of an already verified address changes nothing. The caller shows the person
/// <see cref="WorkspacesAsync"/> (the workspaces the account belongs to and who else is Admin there) on the page
/// after the proof (<c>/account/proven</c>), so they notice what they inherited.</para>
/// </remarks>
public sealed class AddressProof(
    RosterDbContext db, UserManager<User> users, AuditLog audit, SessionService sessions, PersonalAccessTokenService tokens, TimeProvider time)
{
    /// <summary>
    /// Stages the first-proof changes on the tracked <paramref name="user"/> and its login rows, and the audit entry, in
    /// the caller's unit of work; the caller saves them with its own change (<see cref="UserManager{TUser}.UpdateAsync"/>
    /// writes everything tracked in one SaveChanges). Returns true when this is the first proof (the caller then sends
    /// the person to <c>/account/proven</c>); false when the address was already verified, and nothing is staged.
    /// </summary>
    public async Task<bool> StageAsync(
        User user, ProofKind kind, string? clientAddress, CancellationToken cancellationToken, Guid? keepExternalLoginId = null)
    {
        if (user.EmailConfirmed)
        {
            return false;
        }

        user.EmailConfirmed = true;
        user.SecurityStamp = Guid.NewGuid().ToString("N");
        if (kind is ProofKind.EmailCode or ProofKind.ExternalProvider)
        {
            user.PasswordHash = null;
        }

        var logins = await db.Set<IdentityUserLogin<Guid>>().Where(login => login.UserId == user.Id).ToListAsync(cancellationToken);
        db.RemoveRange(logins);

        // The OpenID Connect identities linked before the proof (all but the one proving it, when a provider does).
        db.RemoveRange(await db.ExternalLogins.Where(login => login.UserId == user.Id && login.Id != keepExternalLoginId).ToListAsync(cancellationToken));

        // Every session row and personal access token of the account ends now (in the caller's transaction when it has
        // one): the new stamp already refuses the sessions, and the tokens would otherwise outlive the stranger's hold.
        await sessions.EndAllAsync(user.Id, exceptSessionId: null, SessionEndReason.AddressProven, cancellationToken);
        await tokens.RevokeAllAsync(user.Id, cancellationToken);

        // An email change asked for before the proof would hand the account to whoever asked for it, later: it goes too.
        await db.EmailChanges.Where(change => change.UserId == user.Id).ExecuteDeleteAsync(cancellationToken);
        audit.Add(
            Actor.ForUser(user.Id, clientAddress), workspaceId: null, AuditActions.AccountAddressProven,
            new AuditTarget("account", user.Id.ToString(), user.Email), details: Method(kind), accountId: user.Id);
        return true;
    }

    /// <summary>
    /// Proves the address and saves at once (for a proof point that has nothing else to save: engineer C's email code,
    /// engineer D's provider). True when this was the first proof. Errors are Identity's (a lost race on the row:
    /// <c>ConcurrencyFailure</c>), and then nothing is saved.
    /// </summary>
    public async Task<IdentityResult> ProveAsync(
        User user, ProofKind kind, string? clientAddress, CancellationToken cancellationToken, Guid? keepExternalLoginId = null)
    {
        if (!await StageAsync(user, kind, clientAddress, cancellationToken, keepExternalLoginId))
        {
            return IdentityResult.Success;
        }

        return await users.UpdateAsync(user);
    }

    /// <summary>
    /// The workspaces the account belongs to, by name, each with the account's permission and the display names of
    /// the other Admins there (empty when it is the only one).
    /// </summary>
    public async Task<IReadOnlyList<ProvenWorkspace>> WorkspacesAsync(Guid userId, CancellationToken cancellationToken)
    {
        var mine = await (
            from membership in db.Memberships.AsNoTracking()
            where membership.UserId == userId
            join workspace in db.Workspaces on membership.WorkspaceId equals workspace.Id
            join permission in db.Permissions on membership.PermissionId equals permission.Id
            select new { workspace.Id, workspace.Name, Permission = permission.Name }).ToListAsync(cancellationToken);
        var ids = mine.Select(workspace => workspace.Id).ToList();
        var admins = await (
            from membership in db.Memberships.AsNoTracking()
            where ids.Contains(membership.WorkspaceId) && membership.UserId != userId
            join permission in db.Permissions on membership.PermissionId equals permission.Id
            where permission.Kind == PermissionKind.Admin
            join user in db.Users on membership.UserId equals user.Id
            select new { membership.WorkspaceId, user.Name, user.Email }).ToListAsync(cancellationToken);
        var keys = await db.ApiKeys.AsNoTracking()
            .Where(key => ids.Contains(key.WorkspaceId) && key.CreatedByUserId == userId && key.RevokedAt == null)
            .GroupBy(key => key.WorkspaceId).Select(group => new { WorkspaceId = group.Key, Count = group.Count() })
            .ToDictionaryAsync(group => group.WorkspaceId, group => group.Count, cancellationToken);
        var now = time.GetUtcNow();
        var links = await db.InvitationLinks.AsNoTracking()
            .Where(link => ids.Contains(link.WorkspaceId) && link.CreatedByUserId == userId && link.RevokedAt == null && link.PermissionId != null
                && link.ExpiresAt > now && (link.MaxUses == null || link.Uses < link.MaxUses))
            .GroupBy(link => link.WorkspaceId).Select(group => new { WorkspaceId = group.Key, Count = group.Count() })
            .ToDictionaryAsync(group => group.WorkspaceId, group => group.Count, cancellationToken);
        return mine
            .OrderBy(workspace => workspace.Name, StringComparer.CurrentCultureIgnoreCase)
            .Select(workspace => new ProvenWorkspace(
                workspace.Id, workspace.Name, workspace.Permission,
                admins.Where(admin => admin.WorkspaceId == workspace.Id)
                    .Select(admin => User.DisplayNameOf(admin.Name, admin.Email))
                    .Order(StringComparer.CurrentCultureIgnoreCase).ToList(),
                keys.GetValueOrDefault(workspace.Id),
                links.GetValueOrDefault(workspace.Id)))
            .ToList();
    }

    private static string Method(ProofKind kind) => kind switch
    {
        ProofKind.ConfirmationLink => "confirmation_link",
        ProofKind.PasswordReset => "password_reset",
        ProofKind.EmailCode => "email_code",
        _ => "external_provider",
    };
}
