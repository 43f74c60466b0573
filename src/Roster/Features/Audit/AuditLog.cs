using Roster.Infrastructure.Authorization;
using Roster.Infrastructure.Data;

namespace Roster.Features.Audit;

/// <summary>
/// Writes the audit log (SPEC section 7). <see cref="Add"/> puts an entry in the use case's unit of work, so the
/// use case's own <c>SaveChangesAsync</c>, inside its transaction, writes the change and its entry together: a
/// change that rolls back leaves no entry, and an entry never exists without its change. <see cref="WriteAsync"/>
/// writes at once, for what changes nothing (a refused accept, a sign-in event).
/// </summary>
public sealed class AuditLog(RosterDbContext db, TimeProvider time)
{
    /// <summary>Adds an entry to the caller's unit of work; it is written by the caller's next save.</summary>
    public AuditEntry Add(
        Actor actor,
        Guid? workspaceId,
        string action,
        AuditTarget? target,
        string? details = null,
        AuditOutcome outcome = AuditOutcome.Success,
        string? reason = null,
        Guid? accountId = null,
        DateTimeOffset? at = null)
    {
        var entry = new AuditEntry(
            workspaceId,
            accountId,
            at ?? time.GetUtcNowForStorage(),
            TypeOf(actor),
            actor.UserId,
            actor.ApiKeyId,
            actor.ClientAddress,
            action,
            target,
            outcome,
            reason,
            details);
        db.Add(entry);
        return entry;
    }

    /// <summary>Writes one entry now, on its own (for events that change nothing else).</summary>
    public async Task WriteAsync(
        Actor actor,
        Guid? workspaceId,
        string action,
        AuditTarget? target,
        CancellationToken cancellationToken,
        string? details = null,
        AuditOutcome outcome = AuditOutcome.Success,
        string? reason = null,
        Guid? accountId = null)
    {
        var entry = Add(actor, workspaceId, action, target, details, outcome, reason, accountId);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        finally
        {
            db.Entry(entry).State = Microsoft.EntityFrameworkCore.EntityState.Detached;
        }
    }

    private static AuditActorType TypeOf(Actor actor) =>
        actor.IsOperator ? AuditActorType.Operator
        : actor.ApiKeyId is not null ? AuditActorType.ApiKey
        : actor.UserId is not null ? AuditActorType.User
        : AuditActorType.Anonymous;
}
