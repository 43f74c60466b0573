namespace Roster.Infrastructure.Web;

/// <summary>Bound from the <c>Roster</c> section.</summary>
public sealed class RosterOptions
{
    /// <summary>The address people reach Roster at, used in emailed and copied links; empty uses the request's own.</summary>
    public string? PublicUrl { get; set; }

    /// <summary>Requests per minute per client address for sign-in, sign-up, password reset and invitation links.</summary>
    public int SensitiveRequestsPerMinute { get; set; } = 30;
}
