using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Roster.Features.Accounts;
using Roster.Features.Members;
using Roster.Features.Permissions;
using Roster.Infrastructure.Data;
using Roster.Infrastructure.Errors;
using Roster.Infrastructure.Security;

namespace Roster.Features.Invitations;

/// <summary>A link found by its token, with its workspace's name for the landing page.</summary>
public sealed record FoundInvitation(InvitationLink Link, string WorkspaceName);

public sealed record CreatedInvitationLink(InvitationLink Link, string Token);

public sealed partial class InvitationService(RosterDbContext db, TimeProvider time, IOptions<InvitationOptions> options)
{
    public const int MaxUsesLimit = 10_000;
    public const int MaxAllowedDomains = 20;

    public async Task<Result<CreatedInvitationLink>> CreateLinkAsync(
        Guid workspaceId, Guid creatorId, CreateInvitationLinkRequest request, CancellationToken cancellationToken)
    {
        var fields = new Dictionary<string, string[]>();
        var settings = options.Value;
        if (!BuiltInPermissions.TryNormalize(request.Permission, out var permission))
        {
            fields["permission"] = [$"Choose one of: {string.Join(", ", BuiltInPermissions.All)}."];
        }

        var expiresInDays = request.ExpiresInDays ?? settings.DefaultExpiryDays;
        if (expiresInDays < 1 || expiresInDays > settings.MaxExpiryDays)
        {
            fields["expiresInDays"] = [$"Must be between 1 and {settings.MaxExpiryDays} days."];
        }

        if (request.MaxUses is < 1 or > MaxUsesLimit)
        {
            fields["maxUses"] = [$"Must be between 1 and {MaxUsesLimit}, or left out for unlimited uses."];
        }

        var domains = NormalizeDomains(request.AllowedDomains, out var domainError);
        if (domainError is not null)
        {
            fields["allowedDomains"] = [domainError];
        }

        if (fields.Count > 0)
        {
            return Error.Validation(fields);
        }

        // An Admin link hands over the whole workspace: unless the Admin asks otherwise, it works once.
        var maxUses = request.MaxUses ?? (permission == BuiltInPermissions.Admin ? 1 : null);
        var now = time.GetUtcNowForStorage();
        var token = SecretToken.Create();
        var link = new InvitationLink(
            workspaceId, SecretToken.Hash(token), permission, creatorId, now, now.AddDays(expiresInDays), maxUses, domains);
        db.InvitationLinks.Add(link);
        await db.SaveChangesAsync(cancellationToken);
        return new CreatedInvitationLink(link, token);
    }

    public async Task<IReadOnlyList<InvitationLinkResponse>> ListLinksAsync(Guid workspaceId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var rows = await db.InvitationLinks
            .Where(l => l.WorkspaceId == workspaceId)
            .OrderByDescending(l => l.CreatedAt)
            .Join(db.Users, l => l.CreatedByUserId, u => u.Id, (l, u) => new { Link = l, Creator = new { u.Name, u.Email } })
            .AsNoTracking()
            .ToListAsync(cancellationToken);
        return rows.Select(row => new InvitationLinkResponse(
                row.Link.Id,
                row.Link.Fingerprint,
                row.Link.Permission,
                row.Link.CreatedByUserId,
                User.DisplayNameOf(row.Creator.Name, row.Creator.Email),
                row.Link.CreatedAt,
                row.Link.ExpiresAt,
                row.Link.MaxUses,
                row.Link.Uses,
                row.Link.AllowedDomainList,
                row.Link.StatusAt(now).ToApiName(),
                row.Link.RevokedAt))
            .ToList();
    }

    public async Task<Result<InvitationLink>> RevokeLinkAsync(Guid workspaceId, Guid linkId, Guid userId, CancellationToken cancellationToken)
    {
        var link = await db.InvitationLinks.SingleOrDefaultAsync(l => l.Id == linkId && l.WorkspaceId == workspaceId, cancellationToken);
        if (link is null)
        {
            return InvitationErrors.LinkNotFound;
        }

        link.Revoke(userId, time.GetUtcNowForStorage());
        await db.SaveChangesAsync(cancellationToken);
        return link;
    }

    /// <summary>Finds a link by its token whatever its state; null for an unknown or malformed token.</summary>
    public async Task<FoundInvitation?> FindAsync(string? token, CancellationToken cancellationToken)
    {
        if (!SecretToken.HasValidShape(token))
        {
            return null;
        }

        var hash = SecretToken.Hash(token!);
        return await db.InvitationLinks
            .Where(l => l.TokenHash == hash)
            .Join(db.Workspaces, l => l.WorkspaceId, w => w.Id, (l, w) => new FoundInvitation(l, w.Name))
            .AsNoTracking()
            .SingleOrDefaultAsync(cancellationToken);
    }

    /// <summary>What the link grants, or why it cannot be used. Reading a link never consumes it.</summary>
    public async Task<Result<FoundInvitation>> PreviewAsync(string? token, CancellationToken cancellationToken)
    {
        var found = await FindAsync(token, cancellationToken);
        if (found is null)
        {
            return InvitationErrors.NotFound;
        }

        var status = found.Link.StatusAt(time.GetUtcNow());
        return status == InvitationLinkStatus.Active ? found : InvitationErrors.ForStatus(status);
    }

    /// <summary>
    /// Joins the user to the link's workspace. One transaction: the use is counted by a conditional update,
    /// so concurrent accepts on any number of app instances never exceed the link's maximum uses.
    /// </summary>
    public async Task<Result<AcceptInvitationResponse>> AcceptAsync(string? token, Guid userId, CancellationToken cancellationToken)
    {
        var preview = await PreviewAsync(token, cancellationToken);
        if (!preview.IsSuccess)
        {
            return preview.Error!;
        }

        var (link, workspaceName) = preview.Value;
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == userId, cancellationToken);
        if (CheckEmail(link, user) is { } emailError)
        {
            return emailError;
        }

        if (await db.Memberships.AnyAsync(m => m.WorkspaceId == link.WorkspaceId && m.UserId == userId, cancellationToken))
        {
            return InvitationErrors.AlreadyMember;
        }

        var now = time.GetUtcNowForStorage();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var counted = await db.InvitationLinks
            .Where(l => l.Id == link.Id && l.RevokedAt == null && l.ExpiresAt > now && (l.MaxUses == null || l.Uses < l.MaxUses))
            .ExecuteUpdateAsync(setters => setters.SetProperty(l => l.Uses, l => l.Uses + 1), cancellationToken);
        if (counted == 0)
        {
            // Another accept took the last use (or the link was revoked) since the preview: say which.
            await transaction.RollbackAsync(cancellationToken);
            var current = await db.InvitationLinks.AsNoTracking().SingleAsync(l => l.Id == link.Id, cancellationToken);
            return InvitationErrors.ForStatus(current.StatusAt(now));
        }

        db.Memberships.Add(new Membership(link.WorkspaceId, userId, link.Permission, now, link.Id));
        await db.Users.Where(u => u.Id == userId)
            .ExecuteUpdateAsync(setters => setters.SetProperty(u => u.LastWorkspaceId, link.WorkspaceId), cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The same person accepted twice at once: the membership key refused the second, and its use is
            // rolled back with it. Any other failure is a bug and goes on up.
            await transaction.RollbackAsync(cancellationToken);
            db.ChangeTracker.Clear();
            if (await db.Memberships.AnyAsync(m => m.WorkspaceId == link.WorkspaceId && m.UserId == userId, cancellationToken))
            {
                return InvitationErrors.AlreadyMember;
            }

            throw;
        }

        await transaction.CommitAsync(cancellationToken);
        return new AcceptInvitationResponse(link.WorkspaceId, workspaceName, link.Permission);
    }

    /// <summary>
    /// Whether the user's email suits the link. A domain restriction trusts the email address, so it needs an
    /// address the person has proven they own.
    /// </summary>
    public static Error? CheckEmail(InvitationLink link, User user) =>
        link.AllowedDomains.Length == 0 ? null
        : !link.AllowsEmail(user.Email ?? "") ? InvitationErrors.DomainNotAllowed
        : !user.EmailConfirmed ? InvitationErrors.EmailUnverified
        : null;

    private static List<string> NormalizeDomains(IReadOnlyList<string>? input, out string? error)
    {
        error = null;
        var domains = new List<string>();
        foreach (var raw in input ?? [])
        {
            var domain = (raw ?? "").Trim().TrimStart('@').ToLower(CultureInfo.InvariantCulture);
            if (domain.Length == 0)
            {
                continue;
            }

            if (!DomainPattern().IsMatch(domain))
            {
                error = $"'{raw}' is not a domain name such as example.com.";
                return [];
            }

            if (!domains.Contains(domain))
            {
                domains.Add(domain);
            }
        }

        if (domains.Count > MaxAllowedDomains)
        {
            error = $"At most {MaxAllowedDomains} domains.";
            return [];
        }

        return domains;
    }

    [GeneratedRegex(@"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")]
    private static partial Regex DomainPattern();
}
