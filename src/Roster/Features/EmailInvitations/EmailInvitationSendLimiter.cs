using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Roster.Infrastructure.Web;

namespace Roster.Features.EmailInvitations;

/// <summary>
/// The sending budget of email invitations: <see cref="EmailInvitationOptions.SendsPerWorkspacePerMinute"/> sends
/// (an invite request or a resend) per Admin and workspace, on each instance, whichever door they come through (the API,
/// the popup, Settings' Resend). Kept in the service rather than as an endpoint policy because the framework's limiter
/// runs before authentication, where the sender is not known yet, and a budget keyed by anything a stranger can send
/// (the workspace id, an address) could be spent by them.
/// </summary>
public sealed class EmailInvitationSendLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<(Guid WorkspaceId, Guid UserId)> limiter;

    public EmailInvitationSendLimiter(IOptions<EmailInvitationOptions> options)
    {
        var perMinute = options.Value.SendsPerWorkspacePerMinute;
        RetryAfter = TimeSpan.FromSeconds(Math.Ceiling(60.0 / perMinute));
        limiter = PartitionedRateLimiter.Create<(Guid WorkspaceId, Guid UserId), (Guid WorkspaceId, Guid UserId)>(
            key => RateLimitPartition.GetTokenBucketLimiter(key, _ => RateLimits.PerMinute(perMinute)));
    }

    /// <summary>How long a refused sender waits for the next send (seconds, for <c>Retry-After</c>).</summary>
    public TimeSpan RetryAfter { get; }

    /// <summary>Takes one send from the sender's budget in the workspace; false when it is spent.</summary>
    public bool TryAcquire(Guid workspaceId, Guid userId)
    {
        using var lease = limiter.AttemptAcquire((workspaceId, userId));
        return lease.IsAcquired;
    }

    public void Dispose() => limiter.Dispose();
}
