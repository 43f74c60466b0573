using System.Globalization;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Roster.Features.Accounts;
using Roster.Features.Audit;
using Roster.Features.Invitations;
using Roster.Features.Members;
using Roster.Features.Permissions;
using Roster.Features.Plans;
using Roster.Infrastructure.Authorization;
using Roster.Infrastructure.Data;
using Roster.Infrastructure.Email;
using Roster.Infrastructure.Errors;
using Roster.Infrastructure.Security;
using Roster.Infrastructure.Text;
using Roster.Infrastructure.Web;

namespace Roster.Features.EmailInvitations;

/// <summary>
/// An email invitation found by its token, with what its page shows: the workspace's name, the permission it grants
/// (null once deleted), whether its sender still administers the workspace, and the workspace's plan and member count.
/// </summary>
public sealed record FoundEmailInvitation(EmailInvitation Invitation, string WorkspaceName, PermissionSnapshot? Permission, bool SenderAdministers, WorkspacePlan WorkspacePlan);

/// <summary>
/// The one answer to "can this person accept this email invitation now", which its page, the API preview, the API
/// accept and the sign-in completion all render. <see cref="Found"/> is null for an unknown token; <see cref="Problem"/>
/// is null when the person may accept; <see cref="ExistingPermission"/> is their permission when they already belong to
/// the workspace.
/// </summary>
public sealed record EmailInvitationVerdict(FoundEmailInvitation? Found, Error? Problem, PermissionSnapshot? ExistingPermission)
{
    public bool CanAccept => Problem is null && Found is not null;
}

/// <summary>
/// Email invitations (SPEC section 4; issue 8 part 4): an Admin invites addresses, each gets an email with a personal,
/// single-use link bound to that address (accepted only by an account whose verified email is it), valid 7 days. Sending
/// writes the invitation, its <c>email_invitation.sent</c> entry and its email (through the durable outbox,
/// <see cref="EmailOutbox"/>) in one transaction, so an email exists exactly when its invitation does and no request waits
/// on a mail server. Accepting goes through <see cref="MemberService.AddAsync"/> (member count, plan limit, audit).
/// </summary>
public sealed class EmailInvitationService(
    RosterDbContext db,
    MemberService members,
    PermissionService permissions,
    PlanCatalog plans,
    PlanService planService,
    MemberLimitNotices memberLimitNotices,
    AuditLog audit,
    EmailOutbox outbox,
    PublicUrls urls,
    ILookupNormalizer normalizer,
    TimeProvider time,
    IOptions<EmailInvitationOptions> options,
    EmailInvitationSendLimiter sendLimiter)
{
    /// <summary>The outbox <c>Kind</c> of an invitation's email.</summary>
    public const string OutboxKind = "email_invitation";

    /// <summary>The audit target kind of an email invitation.</summary>
    public const string AuditTargetKind = "email_invitation";

    /// <summary>
    /// Invites every valid address of the batch with one permission, in one transaction: new addresses get an
    /// invitation; an address with an invitation gets it renewed (new token, new expiry, new email; a revoked, expired or
    /// accepted one is sent afresh); an address whose account already belongs to the workspace is listed back, not
    /// invited; an entry that is not an address is listed back with its reason. Each invitation gets its
    /// <c>email_invitation.sent</c> entry and its email through the outbox in the same transaction.
    /// Errors: 403 <c>plan.feature_locked</c> (the plan lacks <c>email-invitations</c>, or the permission is custom on a
    /// plan without custom permissions); <c>validation_failed</c> on <c>emails</c> (none, or more than
    /// <see cref="EmailInvitationOptions.MaxAddressesPerRequest"/>) or <c>permission</c> (not one of the workspace's);
    /// 409 <c>request.conflict</c> when another Admin invited one of the addresses at the same moment (nothing saved).
    /// </summary>
    public async Task<Result<SendEmailInvitationsResponse>> SendAsync(
        Actor actor, Guid workspaceId, SendEmailInvitationsRequest request, CancellationToken cancellationToken)
    {
        if (await planService.RequireAsync(workspaceId, PlanFeature.EmailInvitations, cancellationToken) is { } locked)
        {
            return locked;
        }

        if (actor.UserId is { } senderId && !sendLimiter.TryAcquire(workspaceId, senderId))
        {
            return EmailInvitationErrors.RateLimited;
        }

        var settings = options.Value;
        var fields = new Dictionary<string, string[]>();
        var entries = request.Emails ?? [];
        if (entries.Count == 0 || entries.All(string.IsNullOrWhiteSpace))
        {
            fields["emails"] = ["Enter at least one email address."];
        }
        else if (entries.Count > settings.MaxAddressesPerRequest)
        {
            fields["emails"] = [$"At most {settings.MaxAddressesPerRequest} addresses at a time."];
        }

        var permission = await permissions.ResolveAsync(workspaceId, request.Permission, cancellationToken);
        if (permission is null)
        {
            fields["permission"] = PermissionErrors.Unknown("permission").Fields!["permission"];
        }

        if (fields.Count > 0)
        {
            return Error.Validation(fields);
        }

        if (permission!.Kind == PermissionKind.Custom
            && await planService.RequireAsync(workspaceId, PlanFeature.CustomPermissions, cancellationToken) is { } customLocked)
        {
            return customLocked;
        }

        // One rule for an address (EmailAddresses.Parse); duplicates (in any letter case) count once.
        var invalid = new List<InvalidEmailAddress>();
        var addresses = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (string.IsNullOrWhiteSpace(entry))
            {
                continue;
            }

            var address = EmailAddresses.Parse(entry);
            if (address is null)
            {
                invalid.Add(new InvalidEmailAddress(StorableText.Truncate(entry.Trim(), EmailAddresses.MaxLength), EmailAddresses.Message));
                continue;
            }

            addresses.TryAdd(normalizer.NormalizeEmail(address), address);
        }

        var normalized = addresses.Keys.ToList();
        var memberEmails = await db.Memberships.AsNoTracking()
            .Where(m => m.WorkspaceId == workspaceId)
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => u.NormalizedEmail)
            .Where(email => email != null && normalized.Contains(email))
            .ToListAsync(cancellationToken);
        var alreadyMembers = normalized.Where(memberEmails.Contains).Select(key => addresses[key]).ToList();
        var toInvite = normalized.Where(key => !memberEmails.Contains(key)).ToList();

        var invited = new List<EmailInvitationResponse>();
        var renewed = new List<EmailInvitationResponse>();
        if (toInvite.Count > 0)
        {
            var context = await SenderContextAsync(actor, workspaceId, cancellationToken);
            if (context is null)
            {
                return MemberErrors.WorkspaceGone;
            }

            var now = time.GetUtcNowForStorage();
            var expiresAt = now.AddDays(settings.ExpiryDays);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var existing = await db.EmailInvitations
                .Where(i => i.WorkspaceId == workspaceId && toInvite.Contains(i.NormalizedEmail))
                .ToDictionaryAsync(i => i.NormalizedEmail, StringComparer.Ordinal, cancellationToken);
            foreach (var key in toInvite)
            {
                var wasPending = existing.TryGetValue(key, out var invitation) && invitation.StatusAt(now) == EmailInvitationStatus.Pending;
                if (invitation is null)
                {
                    invitation = new EmailInvitation(workspaceId, addresses[key], key, now);
                    db.EmailInvitations.Add(invitation);
                }

                SendEmail(actor, invitation, permission, context, now, expiresAt, wasPending ? "renewed" : "sent");
                var response = ToResponse(invitation, permission.Name, context.SenderName, now, new EmailDeliveryResponse(EmailDeliveryStatus.Queued.ToApiName(), 0, null, null));
                (wasPending ? renewed : invited).Add(response);
            }

            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        return new SendEmailInvitationsResponse(invited, renewed, alreadyMembers, invalid);
    }

    /// <summary>
    /// Sends a pending or expired invitation again: a new token (the old link stops working at once), a new expiry and a new
    /// email, with its <c>email_invitation.sent</c> entry, in one transaction. Errors: 403 <c>plan.feature_locked</c>;
    /// 404 <c>email_invitation.not_found</c>; 409 <c>email_invitation.not_pending</c> (accepted or revoked; invite the
    /// address again instead); 410 <c>email_invitation.permission_removed</c>.
    /// </summary>
    public async Task<Result<EmailInvitationResponse>> ResendAsync(Actor actor, Guid workspaceId, Guid invitationId, CancellationToken cancellationToken)
    {
        if (await planService.RequireAsync(workspaceId, PlanFeature.EmailInvitations, cancellationToken) is { } locked)
        {
            return locked;
        }

        if (actor.UserId is { } senderId && !sendLimiter.TryAcquire(workspaceId, senderId))
        {
            return EmailInvitationErrors.RateLimited;
        }

        var context = await SenderContextAsync(actor, workspaceId, cancellationToken);
        if (context is null)
        {
            return EmailInvitationErrors.InvitationNotFound;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var invitation = await db.EmailInvitations.SingleOrDefaultAsync(i => i.Id == invitationId && i.WorkspaceId == workspaceId, cancellationToken);
        if (invitation is null)
        {
            return EmailInvitationErrors.InvitationNotFound;
        }

        if (invitation.AcceptedAt is not null || invitation.RevokedAt is not null)
        {
            return EmailInvitationErrors.NotPending;
        }

        var permission = invitation.PermissionId is { } permissionId ? await permissions.ResolveAsync(workspaceId, permissionId.ToString(), cancellationToken) : null;
        if (permission is null)
        {
            return EmailInvitationErrors.PermissionRemoved;
        }

        if (permission.Kind == PermissionKind.Custom
            && await planService.RequireAsync(workspaceId, PlanFeature.CustomPermissions, cancellationToken) is { } customLocked)
        {
            return customLocked;
        }

        // Someone who joined another way meanwhile needs no invitation: answered as accepted, and no email goes out.
        if (await db.Memberships.Join(db.Users, m => m.UserId, u => u.Id, (m, u) => new { m.WorkspaceId, u.NormalizedEmail })
            .AnyAsync(x => x.WorkspaceId == workspaceId && x.NormalizedEmail == invitation.NormalizedEmail, cancellationToken))
        {
            return EmailInvitationErrors.NotPending;
        }

        // The guard: only a row that is still neither accepted nor revoked is renewed, so a revocation or an accept that
        // committed since the read above is not undone by this resend (the conditional update waits for, then sees, it).
        var previousHash = invitation.TokenHash;
        var now = time.GetUtcNowForStorage();
        var claimed = await db.EmailInvitations
            .Where(i => i.Id == invitationId && i.TokenHash == previousHash && i.AcceptedAt == null && i.RevokedAt == null)
            .ExecuteUpdateAsync(setters => setters.SetProperty(i => i.SentAt, now), cancellationToken);
        if (claimed == 0)
        {
            return EmailInvitationErrors.NotPending;
        }

        SendEmail(actor, invitation, permission, context, now, now.AddDays(options.Value.ExpiryDays), "resent");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return ToResponse(invitation, permission.Name, context.SenderName, now, new EmailDeliveryResponse(EmailDeliveryStatus.Queued.ToApiName(), 0, null, null));
    }

    /// <summary>
    /// Revokes an invitation at once (its link refuses everyone from the next request), with its
    /// <c>email_invitation.revoked</c> entry in the same transaction. Revoking a revoked one changes nothing and succeeds.
    /// Errors: 404 <c>email_invitation.not_found</c>; 409 <c>email_invitation.not_pending</c> (already accepted).
    /// </summary>
    public async Task<Result<Guid>> RevokeAsync(Actor actor, Guid workspaceId, Guid invitationId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNowForStorage();
        var byUserId = actor.UserId;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var revoked = await db.EmailInvitations
            .Where(i => i.Id == invitationId && i.WorkspaceId == workspaceId && i.RevokedAt == null && i.AcceptedAt == null)
            .ExecuteUpdateAsync(
                setters => setters.SetProperty(i => i.RevokedAt, (DateTimeOffset?)now).SetProperty(i => i.RevokedByUserId, byUserId),
                cancellationToken);
        var invitation = await db.EmailInvitations.AsNoTracking().SingleOrDefaultAsync(i => i.Id == invitationId && i.WorkspaceId == workspaceId, cancellationToken);
        if (invitation is null)
        {
            return EmailInvitationErrors.InvitationNotFound;
        }

        if (revoked == 0)
        {
            return invitation.AcceptedAt is not null ? EmailInvitationErrors.NotPending : invitation.Id;
        }

        audit.Add(actor, workspaceId, AuditActions.EmailInvitationRevoked, TargetOf(invitation), at: now);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return invitation.Id;
    }

    /// <summary>
    /// The workspace's open invitations (pending or expired; not accepted or revoked), the most recently sent first, each
    /// with the delivery status of its last email from the outbox: one page (keyset on sent time and id) and the total.
    /// Errors: 400 <c>validation_failed</c> on <c>limit</c> or <c>after</c>.
    /// </summary>
    public async Task<Result<Page<EmailInvitationResponse>>> ListAsync(Guid workspaceId, PageRequest page, CancellationToken cancellationToken)
    {
        if (KeysetCursor.Validate(page, out var afterAt, out var afterId) is { } invalid)
        {
            return invalid;
        }

        var now = time.GetUtcNow();
        var open = db.EmailInvitations.AsNoTracking().Where(i => i.WorkspaceId == workspaceId && i.AcceptedAt == null && i.RevokedAt == null);
        var total = await open.CountAsync(cancellationToken);
        var after = afterAt ?? DateTimeOffset.MaxValue;
        var source = afterAt is null ? open : open.Where(i => i.SentAt < after || (i.SentAt == after && i.Id.CompareTo(afterId) < 0));

        // Left joins (SQLite cannot run the correlated subqueries an object projection would need). Newest sent first,
        // keyset-paged on (sent, id).
        var rows = await (
            from i in source
            join u in db.Users on i.CreatedByUserId equals u.Id into senders
            from sender in senders.DefaultIfEmpty()
            join p in db.Permissions on i.PermissionId equals p.Id into granted
            from permission in granted.DefaultIfEmpty()
            join m in db.OutboxMessages on i.OutboxMessageId equals m.Id into messages
            from message in messages.DefaultIfEmpty()
            orderby i.SentAt descending, i.Id descending
            select new
            {
                Invitation = i,
                SenderName = sender == null ? null : sender.Name,
                SenderEmail = sender == null ? null : sender.Email,
                PermissionName = permission == null ? null : permission.Name,
                MessageStatus = message == null ? (OutboxMessageStatus?)null : message.Status,
                Attempts = message == null ? 0 : message.Attempts,
                MessageSentAt = message == null ? null : message.SentAt,
                LastError = message == null ? null : message.LastError,
            })
            .Take(page.Limit + 1)
            .ToListAsync(cancellationToken);
        var next = rows.Count > page.Limit ? KeysetCursor.Encode(rows[page.Limit - 1].Invitation.SentAt, rows[page.Limit - 1].Invitation.Id) : null;
        var items = rows.Take(page.Limit).Select(row => ToResponse(
                row.Invitation,
                row.PermissionName,
                User.DisplayNameOf(row.SenderName, row.SenderEmail),
                now,
                row.MessageStatus is not { } status
                    ? new EmailDeliveryResponse(EmailDeliveryStatus.Unknown.ToApiName(), 0, null, null)
                    : new EmailDeliveryResponse(DeliveryOf(status, row.Attempts).ToApiName(), row.Attempts, row.MessageSentAt, row.LastError)))
            .ToList();
        return new Page<EmailInvitationResponse>(items, next, total);
    }

    /// <summary>
    /// The verdict for a token and (when signed in) a person, in one order everywhere: unknown (names nothing); accepted,
    /// revoked, expired; its permission deleted; its sender no longer an Admin; then for a signed-in person: an account
    /// whose email is another address (<c>email_invitation.wrong_account</c>), the address not verified yet
    /// (<c>email_invitation.email_unverified</c>), already a member; finally the workspace full on its plan (409
    /// <c>plan.member_limit_reached</c>, also for anonymous visitors, so nobody signs up for a workspace they cannot join).
    /// Reading never changes anything.
    /// </summary>
    public async Task<EmailInvitationVerdict> CheckAsync(string? token, Guid? userId, CancellationToken cancellationToken)
    {
        if (!SecretToken.HasValidShape(token))
        {
            return new EmailInvitationVerdict(null, EmailInvitationErrors.NotFound, null);
        }

        var hash = SecretToken.Hash(token!);
        var row = await db.EmailInvitations.AsNoTracking()
            .Where(i => i.TokenHash == hash)
            .Join(db.Workspaces, i => i.WorkspaceId, w => w.Id, (i, w) => new { Invitation = i, WorkspaceName = w.Name, w.Plan, w.MemberCount })
            .SingleOrDefaultAsync(cancellationToken);
        if (row is null)
        {
            return new EmailInvitationVerdict(null, EmailInvitationErrors.NotFound, null);
        }

        var invitation = row.Invitation;
        var (granted, senderAdministers, existing) = await InvitationPermissions.ReadAsync(
            db, invitation.WorkspaceId, invitation.CreatedByUserId, userId, invitation.PermissionId, cancellationToken);
        var workspacePlan = new WorkspacePlan(plans.Of(row.Plan), row.MemberCount);
        var found = new FoundEmailInvitation(invitation, row.WorkspaceName, granted, senderAdministers, workspacePlan);

        var status = invitation.StatusAt(time.GetUtcNow());
        Error? problem = status != EmailInvitationStatus.Pending ? EmailInvitationErrors.ForStatus(status)
            : granted is null ? EmailInvitationErrors.PermissionRemoved
            : !senderAdministers ? EmailInvitationErrors.CreatorLostRights
            : null;
        if (problem is null && userId is not null)
        {
            var user = await db.Users.AsNoTracking().Where(u => u.Id == userId)
                .Select(u => new { u.Email, u.NormalizedEmail, u.EmailConfirmed }).SingleOrDefaultAsync(cancellationToken);

            // Bound to the address: the account's email must be it (Identity's normalisation: letter case never matters),
            // and proven, since anyone can sign up with any address. The ASCII comparison as well: invariant upper-casing
            // folds a few non-ASCII letters ('ı', 'ſ') onto ASCII ones, and an account from before today's address rule
            // could hold one.
            problem = user is null || !string.Equals(user.NormalizedEmail, invitation.NormalizedEmail, StringComparison.Ordinal)
                || !System.Text.Ascii.EqualsIgnoreCase(user.Email ?? "", invitation.Email)
                ? EmailInvitationErrors.WrongAccount
                : !user.EmailConfirmed ? EmailInvitationErrors.EmailUnverified
                : existing is not null ? EmailInvitationErrors.AlreadyMember
                : null;
        }

        if (problem is null && !workspacePlan.HasSeat)
        {
            problem = PlanErrors.MemberLimitReached;
        }

        return new EmailInvitationVerdict(found, problem, problem == EmailInvitationErrors.AlreadyMember ? existing : null);
    }

    /// <summary>
    /// Accepts the invitation for the signed-in person when <see cref="CheckAsync"/> allows it. One transaction: a
    /// conditional update marks it accepted only while it is still the same token, not accepted, not revoked and not
    /// expired (so of two accepts at once, on any number of instances, one wins and the other is refused), then the
    /// membership is written by <see cref="MemberService.AddAsync"/> (source <c>email_invitation</c>; its conditional
    /// update enforces the plan's member limit) with the <c>invitation.accepted</c> entry. A refusal is recorded as
    /// <c>invitation.refused</c> with its code; one for the member limit rolls the accept back (the invitation stays
    /// usable) and tells the workspace's Admins by email (at most once a day).
    /// Errors: every code of the verdict, including 409 <c>plan.member_limit_reached</c>.
    /// </summary>
    public async Task<Result<AcceptInvitationResponse>> AcceptAsync(Actor actor, string? token, CancellationToken cancellationToken)
    {
        var userId = actor.RequiredUserId;
        var verdict = await CheckAsync(token, userId, cancellationToken);
        if (!verdict.CanAccept)
        {
            return await RefuseAsync(actor, verdict.Found?.Invitation, verdict.Problem!, cancellationToken);
        }

        var invitation = verdict.Found!.Invitation;
        var permission = verdict.Found.Permission!;
        var now = time.GetUtcNowForStorage();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var hash = invitation.TokenHash;
        var claimed = await db.EmailInvitations
            .Where(i => i.Id == invitation.Id && i.TokenHash == hash && i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now)
            .ExecuteUpdateAsync(
                setters => setters.SetProperty(i => i.AcceptedAt, (DateTimeOffset?)now).SetProperty(i => i.AcceptedByUserId, (Guid?)userId),
                cancellationToken);
        if (claimed == 0)
        {
            // Accepted by a concurrent request, revoked, resent or expired since the verdict: say which.
            await transaction.RollbackAsync(cancellationToken);
            var current = await db.EmailInvitations.AsNoTracking().SingleOrDefaultAsync(i => i.Id == invitation.Id && i.TokenHash == hash, cancellationToken);
            return await RefuseAsync(actor, invitation, current is null ? EmailInvitationErrors.NotFound : EmailInvitationErrors.ForStatus(current.StatusAt(now)), cancellationToken);
        }

        audit.Add(actor, invitation.WorkspaceId, AuditActions.InvitationAccepted, TargetOf(invitation), details: $"Joined as {permission.Name}", at: now);
        var added = await members.AddAsync(actor, invitation.WorkspaceId, userId, permission.Id, MembershipSource.EmailInvitation, null, now, cancellationToken);
        if (!added.IsSuccess)
        {
            // The accept is rolled back with it, and so is the entry above: the invitation stays usable.
            await transaction.RollbackAsync(cancellationToken);
            return await RefuseAsync(
                actor, invitation, added.Error == MemberErrors.AlreadyMember ? EmailInvitationErrors.AlreadyMember : added.Error!, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        Roster.Infrastructure.Telemetry.RosterMetrics.EmailInvitationAccepted();
        return new AcceptInvitationResponse(invitation.WorkspaceId, verdict.Found.WorkspaceName, permission.Name, permission.Id);
    }

    private async Task<Error> RefuseAsync(Actor actor, EmailInvitation? invitation, Error problem, CancellationToken cancellationToken)
    {
        Roster.Infrastructure.Telemetry.RosterMetrics.EmailInvitationRefused(problem.Code);
        if (invitation is not null)
        {
            foreach (var added in db.ChangeTracker.Entries().Where(e => e.State == EntityState.Added).ToList())
            {
                added.State = EntityState.Detached;
            }

            await audit.WriteAsync(
                actor, invitation.WorkspaceId, AuditActions.InvitationRefused, TargetOf(invitation), cancellationToken,
                outcome: AuditOutcome.Refused, reason: problem.Code);
            if (problem == PlanErrors.MemberLimitReached)
            {
                await memberLimitNotices.NotifyAsync(invitation.WorkspaceId, actor.RequiredUserId, cancellationToken);
            }
        }

        return problem;
    }

    /// <summary>
    /// Gives the invitation a new token and expiry and adds its email to the outbox and its entry to the audit log (all
    /// saved by the caller's SaveChanges, in its transaction). The token exists only in the email's body, which the
    /// outbox stores encrypted.
    /// </summary>
    private void SendEmail(Actor actor, EmailInvitation invitation, PermissionSnapshot permission, SenderContext context, DateTimeOffset now, DateTimeOffset expiresAt, string how)
    {
        var token = SecretToken.Create();
        var message = BuildEmail(invitation.Email, token, permission.Name, context, expiresAt);
        var messageId = outbox.Add(message, OutboxKind);
        invitation.Send(SecretToken.Hash(token), permission.Id, actor.RequiredUserId, now, expiresAt, messageId);
        audit.Add(
            actor, invitation.WorkspaceId, AuditActions.EmailInvitationSent, TargetOf(invitation),
            details: string.Create(CultureInfo.InvariantCulture, $"Grants {permission.Name}; expires {expiresAt:yyyy-MM-dd HH:mm} UTC; {how}"), at: now);
    }

    private EmailMessage BuildEmail(string to, string token, string permissionName, SenderContext context, DateTimeOffset expiresAt)
    {
        var link = urls.Absolute(EmailInvitationLinks.PagePath(token));
        var expires = expiresAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";
        var subject = $"{context.SenderName} invited you to {context.WorkspaceName} on Roster";
        var intro = $"{context.SenderName} ({context.SenderEmail}) invited you to join {context.WorkspaceName} on Roster as {permissionName}.";
        var terms = $"The invitation is for {to}: sign in or sign up with this address to accept it. It works once, until {expires}. If you did not expect it, you can ignore this email.";
        var text = $"{intro}\n\nAccept the invitation: {link}\n\n{terms}\n";
        var html = $"<p>{HtmlEncoder.Default.Encode(intro)}</p><p><a href=\"{HtmlEncoder.Default.Encode(link)}\">Accept the invitation</a></p>"
            + $"<p>{HtmlEncoder.Default.Encode(terms)}</p>";
        return new EmailMessage(to, subject, text, html);
    }

    private async Task<SenderContext?> SenderContextAsync(Actor actor, Guid workspaceId, CancellationToken cancellationToken)
    {
        var senderId = actor.RequiredUserId;
        var name = await db.Workspaces.AsNoTracking().Where(w => w.Id == workspaceId).Select(w => w.Name).SingleOrDefaultAsync(cancellationToken);
        var sender = await db.Users.AsNoTracking().Where(u => u.Id == senderId).Select(u => new { u.Name, u.Email }).SingleOrDefaultAsync(cancellationToken);
        return name is null || sender is null ? null : new SenderContext(name, User.DisplayNameOf(sender.Name, sender.Email), sender.Email ?? "");
    }

    private static EmailInvitationResponse ToResponse(EmailInvitation invitation, string? permissionName, string senderName, DateTimeOffset now, EmailDeliveryResponse delivery) =>
        new(
            invitation.Id,
            invitation.Email,
            permissionName,
            permissionName is null ? null : invitation.PermissionId,
            invitation.CreatedByUserId,
            senderName,
            invitation.CreatedAt,
            invitation.SentAt,
            invitation.ExpiresAt,
            invitation.StatusAt(now).ToApiName(),
            delivery);

    private static EmailDeliveryStatus DeliveryOf(OutboxMessageStatus status, int attempts) => status switch
    {
        OutboxMessageStatus.Sent => EmailDeliveryStatus.Sent,
        OutboxMessageStatus.Failed => EmailDeliveryStatus.Failed,
        _ => attempts == 0 ? EmailDeliveryStatus.Queued : EmailDeliveryStatus.Retrying,
    };

    /// <summary>An invitation in the audit log: by id, with its address (never its token).</summary>
    private static AuditTarget TargetOf(EmailInvitation invitation) => new(AuditTargetKind, invitation.Id.ToString(), invitation.Email);

    private sealed record SenderContext(string WorkspaceName, string SenderName, string SenderEmail);
}
