namespace Roster.Features.JoinRequests;

/// <summary>Where a request to join stands.</summary>
public enum JoinRequestStatus
{
    /// <summary>Waiting for an Admin; at most one per person and workspace (a unique index on the pending rows).</summary>
    Pending = 0,

    /// <summary>An Admin approved it: the person became a member with <see cref="JoinRequest.PermissionId"/>.</summary>
    Approved = 1,

    /// <summary>An Admin declined it. The person may ask again later (within the per-account rate limit).</summary>
    Declined = 2,
}

/// <summary>
/// A person's request to join a workspace whose company domain is their verified email's, under the <c>request</c>
/// join policy (SPEC section 5). Decided rows are kept, so that the per-account rate limit counts them.
/// </summary>
public sealed class JoinRequest
{
    private JoinRequest()
    {
    }

    public JoinRequest(Guid workspaceId, Guid userId, DateTimeOffset createdAt)
    {
        Id = Guid.CreateVersion7(createdAt);
        WorkspaceId = workspaceId;
        UserId = userId;
        CreatedAt = createdAt;
        Status = JoinRequestStatus.Pending;
    }

    public Guid Id { get; private set; }

    public Guid WorkspaceId { get; private set; }

    /// <summary>Who asks to join.</summary>
    public Guid UserId { get; private set; }

    public JoinRequestStatus Status { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>When an Admin approved or declined it (UTC).</summary>
    public DateTimeOffset? DecidedAt { get; private set; }

    /// <summary>The Admin who decided (null once their account is gone, or while pending).</summary>
    public Guid? DecidedByUserId { get; private set; }

    /// <summary>The permission the person was given on approval.</summary>
    public Guid? PermissionId { get; private set; }
}
