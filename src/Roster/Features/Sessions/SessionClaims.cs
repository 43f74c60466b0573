using System.Security.Claims;

namespace Roster.Features.Sessions;

/// <summary>The claim that ties a cookie or bearer token to its server-side <see cref="Session"/>.</summary>
public static class SessionClaims
{
    /// <summary>
    /// The claim type: its value is the session's secret id (43 base64url characters, 256 bits). A principal
    /// without it (issued before sessions existed) is refused, so everyone signs in once again.
    /// </summary>
    public const string SessionId = "roster:sid";

    /// <summary>The principal's secret session id, or null when it carries none.</summary>
    public static string? FindSessionId(this ClaimsPrincipal principal) => principal.FindFirstValue(SessionId);
}
