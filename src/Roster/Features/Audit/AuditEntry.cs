using Roster.Infrastructure.Text;

namespace Roster.Features.Audit;

/// <summary>Who acted: a signed-in person, a workspace API key, the operator's command line, or nobody signed in.</summary>
public enum AuditActorType
{
    User,
    ApiKey,
    Operator,
    Anonymous,
}

/// <summary>How the attempt ended: the change was made, or it was refused (with a reason code).</summary>
public enum AuditOutcome
{
    Success,
    Refused,
}

/// <summary>What an entry is about: a kind (<c>member</c>, <c>permission</c>, <c>invitation_link</c>, ...), its id, and a label as it read then.</summary>
public sealed record AuditTarget(string Type, string Id, string? Label);

/// <summary>
/// One line of the audit log (SPEC section 7): a security-relevant change, written in the same transaction as the
/// change itself, or a refusal or a sign-in event. Entries are only ever added: nothing updates or deletes one.
/// A workspace's entries carry <see cref="WorkspaceId"/>; an account's sign-in events carry
/// <see cref="AccountId"/> and no workspace. Never holds a token, a secret or a password: targets are named by id,
/// fingerprint or name.
/// </summary>
public sealed class AuditEntry
{
    public const int ActionMaxLength = 64;
    public const int TargetTypeMaxLength = 32;
    public const int TargetIdMaxLength = 64;
    public const int LabelMaxLength = 200;
    public const int ClientAddressMaxLength = 64;
    public const int ReasonMaxLength = 64;
    public const int DetailsMaxLength = 1000;

    private AuditEntry()
    {
    }

    public AuditEntry(
        Guid? workspaceId,
        Guid? accountId,
        DateTimeOffset occurredAt,
        AuditActorType actorType,
        Guid? actorUserId,
        Guid? actorApiKeyId,
        string? clientAddress,
        string action,
        AuditTarget? target,
        AuditOutcome outcome,
        string? reason,
        string? details)
    {
        Id = Guid.CreateVersion7(occurredAt);
        WorkspaceId = workspaceId;
        AccountId = accountId;
        OccurredAt = occurredAt;
        ActorType = actorType;
        ActorUserId = actorUserId;
        ActorApiKeyId = actorApiKeyId;
        ClientAddress = Clip(clientAddress, ClientAddressMaxLength);
        Action = action;
        TargetType = target?.Type;
        TargetId = Clip(target?.Id, TargetIdMaxLength);
        TargetLabel = Clip(target?.Label, LabelMaxLength);
        Outcome = outcome;
        Reason = Clip(reason, ReasonMaxLength);
        Details = Clip(details, DetailsMaxLength);
    }

    public Guid Id { get; private set; }

    /// <summary>The workspace the change was made in; null for an account's own events (sign-ins).</summary>
    public Guid? WorkspaceId { get; private set; }

    /// <summary>The account an account event is about (a sign-in's account); null for workspace changes.</summary>
    public Guid? AccountId { get; private set; }

    /// <summary>When it happened, UTC.</summary>
    public DateTimeOffset OccurredAt { get; private set; }

    public AuditActorType ActorType { get; private set; }

    public Guid? ActorUserId { get; private set; }

    public Guid? ActorApiKeyId { get; private set; }

    /// <summary>The client's address as trusted proxies report it; null for the command line.</summary>
    public string? ClientAddress { get; private set; }

    /// <summary>One of <see cref="AuditActions"/>.</summary>
    public string Action { get; private set; } = "";

    public string? TargetType { get; private set; }

    public string? TargetId { get; private set; }

    /// <summary>The target's name or email as it was at the time (a later rename does not change old entries).</summary>
    public string? TargetLabel { get; private set; }

    public AuditOutcome Outcome { get; private set; }

    /// <summary>For a refusal, the stable error code (for example <c>plan.member_limit_reached</c>).</summary>
    public string? Reason { get; private set; }

    /// <summary>A short description of what changed (for example <c>Viewer → Admin</c>); plain text, never a secret.</summary>
    public string? Details { get; private set; }

    // By code points, as the column counts them, and never through a surrogate pair (half of one cannot be stored).
    private static string? Clip(string? text, int length) => text is null ? null : StorableText.Truncate(text, length);
}
