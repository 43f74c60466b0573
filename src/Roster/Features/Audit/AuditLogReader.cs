using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Roster.Features.Accounts;
using Roster.Features.Plans;
using Roster.Infrastructure.Data;
using Roster.Infrastructure.Errors;
using Roster.Infrastructure.Text;
using Roster.Infrastructure.Web;

namespace Roster.Features.Audit;

/// <summary>
/// A filter on a workspace's log as a caller writes it (query string or form): <c>actor</c> (a user id, an API
/// key id or an email), <c>action</c> (one of <see cref="AuditActions.Workspace"/>), <c>from</c> and <c>to</c>
/// (ISO 8601; a time without an offset is UTC; a date alone covers that whole day, so <c>to=2026-11-29</c>
/// includes the 29th).
/// </summary>
public sealed record AuditFilterRequest(string? Actor, string? Action, string? From, string? To)
{
    public static AuditFilterRequest None { get; } = new(null, null, null, null);
}

/// <summary>A checked filter: the actor resolved to ids, the time range as UTC bounds (from inclusive, until exclusive).</summary>
public sealed record AuditFilter(bool HasActor, Guid? ActorId, string? Action, DateTimeOffset? From, DateTimeOffset? Until);

/// <summary>
/// One entry as the log shows it: the actor's current name and email (a user) or name (an API key) are read with
/// it; the target's label is as it was when the entry was written. Times are UTC.
/// </summary>
public sealed record AuditItem(
    Guid Id,
    DateTimeOffset OccurredAt,
    AuditActorType ActorType,
    Guid? ActorId,
    string? ActorName,
    string? ActorEmail,
    string? ClientAddress,
    string Action,
    string? TargetType,
    string? TargetId,
    string? TargetLabel,
    AuditOutcome Outcome,
    string? Reason,
    string? Details);

/// <summary>One event of an account (UTC time, client address, what happened: an action and, for a refusal, its reason code).</summary>
public sealed record SignInEvent(DateTimeOffset OccurredAt, string? ClientAddress, string Action, string? Reason);

/// <summary>Reads the audit log: a workspace's entries (paged or streamed for export) and an account's sign-ins.</summary>
public sealed class AuditLogReader(RosterDbContext db, PlanCatalog plans)
{
    public const int ActorMaxLength = 256;

    /// <summary>How many people the page's actor filter suggests.</summary>
    public const int PeopleLimit = 500;

    /// <summary>
    /// Null when the workspace's plan includes audit-log export; else 403 <c>plan.feature_locked</c>, whose message
    /// names the workspace's plan and the smallest plan that has it.
    /// </summary>
    public async Task<Error?> CheckExportAsync(Guid workspaceId, CancellationToken cancellationToken)
    {
        var recordedPlan = await db.Workspaces.Where(w => w.Id == workspaceId).Select(w => w.Plan).SingleOrDefaultAsync(cancellationToken);
        var plan = plans.Of(recordedPlan);
        return plan.Has(PlanFeature.AuditLogExport)
            ? null
            : PlanErrors.FeatureLocked(PlanFeature.AuditLogExport, plan, plans.CheapestWith(PlanFeature.AuditLogExport));
    }

    /// <summary>
    /// Checks a filter. Errors: <c>validation_failed</c> on <c>actor</c> (too long), <c>action</c> (not a workspace
    /// action), <c>from</c>, <c>to</c> (not ISO 8601, or <c>to</c> before <c>from</c>). An email that belongs to nobody
    /// is a valid filter that matches nothing.
    /// </summary>
    public async Task<Result<AuditFilter>> ParseAsync(AuditFilterRequest request, CancellationToken cancellationToken)
    {
        var fields = new Dictionary<string, string[]>();
        var actor = (request.Actor ?? "").Trim();
        Guid? actorId = null;
        if (StorableText.Length(actor) > ActorMaxLength)
        {
            fields["actor"] = [$"Give a user id, an API key id or an email of at most {ActorMaxLength} characters."];
        }
        else if (StorableText.Problem(actor) is { } problem)
        {
            fields["actor"] = [problem];
        }
        else if (Guid.TryParse(actor, out var id))
        {
            actorId = id;
        }
        else if (actor.Length > 0)
        {
            var normalized = actor.ToUpperInvariant();
            actorId = await db.Users.Where(u => u.NormalizedEmail == normalized).Select(u => (Guid?)u.Id).FirstOrDefaultAsync(cancellationToken)
                ?? Guid.Empty;
        }

        var action = (request.Action ?? "").Trim();
        if (action.Length > 0 && !AuditActions.Workspace.Contains(action, StringComparer.Ordinal))
        {
            fields["action"] = [$"Not an action of the workspace log. Use one of: {string.Join(", ", AuditActions.Workspace)}."];
        }

        var from = ParseBound(request.From, "from", endOfDay: false, fields);
        var until = ParseBound(request.To, "to", endOfDay: true, fields);
        if (from is { } start && until is { } end && end <= start && !fields.ContainsKey("to"))
        {
            fields["to"] = ["Must not be before 'from'."];
        }

        return fields.Count > 0
            ? Error.Validation(fields)
            : new AuditFilter(actor.Length > 0, actorId, action.Length > 0 ? action : null, from, until);
    }

    /// <summary>
    /// A page of the workspace's log, newest first (keyset on time and id: a page costs the same however long the
    /// log is). Errors: <c>validation_failed</c> on <c>limit</c> or <c>after</c>.
    /// </summary>
    public async Task<Result<Page<AuditItem>>> ListAsync(Guid workspaceId, AuditFilter filter, PageRequest page, CancellationToken cancellationToken)
    {
        if (KeysetCursor.Validate(page, out var afterAt, out var afterId) is { } invalid)
        {
            return invalid;
        }

        var entries = Filtered(workspaceId, filter);
        var total = await entries.CountAsync(cancellationToken);
        if (afterAt is { } at)
        {
            entries = entries.Where(e => e.OccurredAt < at || (e.OccurredAt == at && e.Id.CompareTo(afterId) < 0));
        }

        var rows = await WithActors(entries.OrderByDescending(e => e.OccurredAt).ThenByDescending(e => e.Id).Take(page.Limit + 1))
            .ToListAsync(cancellationToken);
        var items = rows.Take(page.Limit).ToList();
        var next = rows.Count > page.Limit ? KeysetCursor.Encode(items[^1].OccurredAt, items[^1].Id) : null;
        return new Page<AuditItem>(items, next, total);
    }

    /// <summary>
    /// Every entry the filter matches, newest first, read row by row as the caller consumes them (for the export:
    /// nothing holds the whole log in memory).
    /// </summary>
    public IAsyncEnumerable<AuditItem> StreamAsync(Guid workspaceId, AuditFilter filter) =>
        WithActors(Filtered(workspaceId, filter).OrderByDescending(e => e.OccurredAt).ThenByDescending(e => e.Id)).AsAsyncEnumerable();

    /// <summary>
    /// The people who appear as actors in the workspace's log, or are members of it, by name: the first
    /// <see cref="PeopleLimit"/> of them, as suggestions for the page's filter (any email can be typed there).
    /// </summary>
    public async Task<IReadOnlyList<(Guid Id, string Name, string Email)>> PeopleAsync(Guid workspaceId, CancellationToken cancellationToken)
    {
        var actorIds = db.AuditEntries.Where(e => e.WorkspaceId == workspaceId && e.ActorUserId != null).Select(e => e.ActorUserId!.Value);
        var memberIds = db.Memberships.Where(m => m.WorkspaceId == workspaceId).Select(m => m.UserId);
        var people = await db.Users.AsNoTracking()
            .Where(u => actorIds.Contains(u.Id) || memberIds.Contains(u.Id))
            .OrderBy(u => u.Name).ThenBy(u => u.Email)
            .Select(u => new { u.Id, u.Name, u.Email })
            .Take(PeopleLimit)
            .ToListAsync(cancellationToken);
        return people
            .Select(p => (p.Id, User.DisplayNameOf(p.Name, p.Email), p.Email ?? ""))
            .OrderBy(p => p.Item2, StringComparer.OrdinalIgnoreCase)
            .ToList();
    }

    /// <summary>The account's latest sign-in events (success, failure, lockout), newest first.</summary>
    public async Task<IReadOnlyList<SignInEvent>> RecentSignInsAsync(Guid userId, int count, CancellationToken cancellationToken) =>
        await db.AuditEntries.AsNoTracking()
            .Where(e => e.AccountId == userId && AuditActions.Account.Contains(e.Action))
            .OrderByDescending(e => e.OccurredAt).ThenByDescending(e => e.Id)
            .Take(count)
            .Select(e => new SignInEvent(e.OccurredAt, e.ClientAddress, e.Action, e.Reason))
            .ToListAsync(cancellationToken);

    private IQueryable<AuditEntry> Filtered(Guid workspaceId, AuditFilter filter)
    {
        var entries = db.AuditEntries.AsNoTracking().Where(e => e.WorkspaceId == workspaceId);
        if (filter.HasActor)
        {
            var actorId = filter.ActorId;
            entries = entries.Where(e => e.ActorUserId == actorId || e.ActorApiKeyId == actorId);
        }

        if (filter.Action is { } action)
        {
            entries = entries.Where(e => e.Action == action);
        }

        if (filter.From is { } from)
        {
            entries = entries.Where(e => e.OccurredAt >= from);
        }

        if (filter.Until is { } until)
        {
            entries = entries.Where(e => e.OccurredAt < until);
        }

        return entries;
    }

    /// <summary>The entries with their actor's name and email (users) or name (keys), by left joins in the same query.</summary>
    private IQueryable<AuditItem> WithActors(IQueryable<AuditEntry> entries) =>
        from e in entries
        join u in db.Users on e.ActorUserId equals (Guid?)u.Id into users
        from u in users.DefaultIfEmpty()
        join k in db.ApiKeys on e.ActorApiKeyId equals (Guid?)k.Id into keys
        from k in keys.DefaultIfEmpty()
        orderby e.OccurredAt descending, e.Id descending
        select new AuditItem(
            e.Id,
            e.OccurredAt,
            e.ActorType,
            e.ActorUserId ?? e.ActorApiKeyId,
            u != null ? (u.Name == "" ? u.Email : u.Name) : k != null ? k.Name : null,
            u != null ? u.Email : null,
            e.ClientAddress,
            e.Action,
            e.TargetType,
            e.TargetId,
            e.TargetLabel,
            e.Outcome,
            e.Reason,
            e.Details);

    private static DateTimeOffset? ParseBound(string? input, string field, bool endOfDay, Dictionary<string, string[]> fields)
    {
        var text = (input ?? "").Trim();
        if (text.Length == 0)
        {
            return null;
        }

        if (text.Length <= 40 && DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            var start = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

            // The last day the calendar has ends after every entry: no upper bound.
            return !endOfDay ? start : day == DateOnly.MaxValue ? null : start.AddDays(1);
        }

        if (text.Length <= 40 && DateTimeOffset.TryParse(
            text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant)
            && text.Contains('T', StringComparison.OrdinalIgnoreCase))
        {
            // An instant: "to" includes it (one microsecond on: the finest time either database stores).
            return !endOfDay ? instant : instant >= DateTimeOffset.MaxValue.AddMicroseconds(-1) ? null : instant.AddMicroseconds(1);
        }

        fields[field] = ["Give an ISO 8601 date (2026-11-29) or time (2026-11-29T14:30:00Z)."];
        return null;
    }
}
