namespace Roster.Features.Audit;

/// <summary>Who acted, on the wire: <c>type</c> is <c>user</c>, <c>api_key</c>, <c>operator</c> or <c>anonymous</c>; <c>email</c> for users only.</summary>
public sealed record AuditActorResponse(string Type, Guid? Id, string? Name, string? Email);

/// <summary>What an entry is about, on the wire: <c>member</c>, <c>permission</c>, <c>invitation_link</c>, <c>api_key</c> or <c>workspace</c>.</summary>
public sealed record AuditTargetResponse(string Type, string? Id, string? Label);

/// <summary>
/// One entry of <c>GET /api/v1/workspaces/{id}/audit-log</c> and of its JSON export. <c>occurredAt</c> is UTC;
/// <c>outcome</c> is <c>success</c> or <c>refused</c>, with the error code as <c>reason</c> for a refusal.
/// </summary>
public sealed record AuditEntryResponse(
    Guid Id,
    DateTimeOffset OccurredAt,
    AuditActorResponse Actor,
    string? ClientAddress,
    string Action,
    AuditTargetResponse? Target,
    string Outcome,
    string? Reason,
    string? Details);

public static class AuditWireNames
{
    public static string Of(AuditActorType type) => type switch
    {
        AuditActorType.User => "user",
        AuditActorType.ApiKey => "api_key",
        AuditActorType.Operator => "operator",
        AuditActorType.Anonymous => "anonymous",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static string Of(AuditOutcome outcome) => outcome switch
    {
        AuditOutcome.Success => "success",
        AuditOutcome.Refused => "refused",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome)),
    };

    public static AuditEntryResponse ToResponse(this AuditItem item) => new(
        item.Id,
        item.OccurredAt,
        new AuditActorResponse(Of(item.ActorType), item.ActorId, item.ActorName, item.ActorEmail),
        item.ClientAddress,
        item.Action,
        item.TargetType is null ? null : new AuditTargetResponse(item.TargetType, item.TargetId, item.TargetLabel),
        Of(item.Outcome),
        item.Reason,
        item.Details);
}
