using Microsoft.EntityFrameworkCore;
using Roster.Features.Audit;
using Roster.Features.Plans;
using Roster.Infrastructure.Data;

namespace Roster.Operator;

/// <summary>A workspace as the operator lists it: its plan is the one in force (the default when none is recorded).</summary>
public sealed record OperatorWorkspace(Guid Id, string Name, string Plan, int Members, DateTimeOffset CreatedAt);

/// <summary>An account as the operator lists it; times are UTC.</summary>
public sealed record OperatorUser(Guid Id, string Email, string Name, DateTimeOffset CreatedAt, DateTimeOffset? DisabledAt, int Workspaces);

/// <summary>One sign-in event of an account (<c>sign_in.*</c>), as the audit log recorded it; UTC.</summary>
public sealed record OperatorSignIn(DateTimeOffset OccurredAt, string Action, AuditOutcome Outcome, string? Reason, string? ClientAddress, string? Details);

/// <summary>
/// The whole installation as the operator's command line reads it: every workspace, every account, an account's
/// sign-in events. These lists are for an operator at a terminal, not for a request path.
/// </summary>
public sealed class OperatorDirectory(RosterDbContext db, PlanCatalog plans)
{
    /// <summary>Every workspace, by name (then id).</summary>
    public async Task<IReadOnlyList<OperatorWorkspace>> ListWorkspacesAsync(CancellationToken cancellationToken)
    {
        var rows = await db.Workspaces.AsNoTracking()
            .OrderBy(w => w.Name).ThenBy(w => w.Id)
            .Select(w => new { w.Id, w.Name, w.Plan, w.MemberCount, w.CreatedAt })
            .ToListAsync(cancellationToken);
        return [.. rows.Select(w => new OperatorWorkspace(w.Id, w.Name, plans.Of(w.Plan).Name, w.MemberCount, w.CreatedAt))];
    }

    /// <summary>
    /// The workspaces that <paramref name="idOrName"/> names: the one with that id, else those with exactly that name,
    /// else those with that name in any case. Several means the name is ambiguous; none, that there is no such workspace.
    /// </summary>
    public async Task<IReadOnlyList<OperatorWorkspace>> FindWorkspacesAsync(string idOrName, CancellationToken cancellationToken)
    {
        var text = idOrName.Trim();
        var query = db.Workspaces.AsNoTracking();
        if (Guid.TryParse(text, out var id))
        {
            query = query.Where(w => w.Id == id);
        }
        else
        {
            // ToLower on both sides works on both databases (SQLite lowers ASCII only; an exact match covers the rest).
            var lowered = text.ToLowerInvariant();
#pragma warning disable CA1862 // string.Equals with a StringComparison does not translate to SQL; lower() does, on both databases.
            query = query.Where(w => w.Name == text || w.Name.ToLower() == lowered);
#pragma warning restore CA1862
        }

        var found = await query
            .OrderBy(w => w.CreatedAt)
            .Select(w => new { w.Id, w.Name, w.Plan, w.MemberCount, w.CreatedAt })
            .Take(50)
            .ToListAsync(cancellationToken);
        var exact = found.Where(w => w.Id == id || w.Name == text).ToList();
        return [.. (exact.Count > 0 ? exact : found).Select(w => new OperatorWorkspace(w.Id, w.Name, plans.Of(w.Plan).Name, w.MemberCount, w.CreatedAt))];
    }

    /// <summary>Every account, by email, with how many workspaces it is a member of.</summary>
    public async Task<IReadOnlyList<OperatorUser>> ListUsersAsync(CancellationToken cancellationToken) =>
        await db.Users.AsNoTracking()
            .OrderBy(u => u.Email)
            .Select(u => new OperatorUser(u.Id, u.Email ?? "", u.Name, u.CreatedAt, u.DisabledAt, db.Memberships.Count(m => m.UserId == u.Id)))
            .ToListAsync(cancellationToken);

    /// <summary>The account's id by its email (ignoring case, as sign-in does), or null when there is none.</summary>
    public async Task<Guid?> FindUserIdAsync(string email, CancellationToken cancellationToken)
    {
        var normalized = email.Trim().ToUpperInvariant();
        return await db.Users.Where(u => u.NormalizedEmail == normalized).Select(u => (Guid?)u.Id).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>The account's most recent sign-in events (<c>sign_in.*</c> entries recorded on it), newest first.</summary>
    public async Task<IReadOnlyList<OperatorSignIn>> ListSignInsAsync(Guid userId, int limit, CancellationToken cancellationToken) =>
        await db.AuditEntries.AsNoTracking()
            .Where(e => e.AccountId == userId && e.Action.StartsWith("sign_in."))
            .OrderByDescending(e => e.OccurredAt).ThenByDescending(e => e.Id)
            .Take(limit)
            .Select(e => new OperatorSignIn(e.OccurredAt, e.Action, e.Outcome, e.Reason, e.ClientAddress, e.Details))
            .ToListAsync(cancellationToken);
}
