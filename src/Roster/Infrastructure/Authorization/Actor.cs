using System.Security.Claims;

namespace Roster.Infrastructure.Authorization;

/// <summary>
/// Who is doing a write: a signed-in user, a workspace API key or the operator's command line, and the client's address (as believed from
/// trusted proxies only). Built once at the edge and passed to every use case that writes, so each can check
/// and record who acted.
/// </summary>
public sealed record Actor(Guid? UserId, Guid? ApiKeyId, string? ClientAddress)
{
    /// <summary>The signed-in user or the API key of the request, with the connection's remote address.</summary>
    public static Actor From(HttpContext context) => From(context.User, context.Connection.RemoteIpAddress?.ToString());

    public static Actor From(ClaimsPrincipal principal, string? clientAddress) =>
        new(principal.FindUserId(), ApiKeyPrincipal.FindKeyId(principal), clientAddress);

    /// <summary>A user acting outside a request (sign-in completion) or in tests.</summary>
    public static Actor ForUser(Guid userId, string? clientAddress = null) => new(userId, null, clientAddress);

    /// <summary>The operator, at the command line (no person, no key, no address).</summary>
    public static Actor Operator { get; } = new(null, null, null) { IsOperator = true };

    /// <summary>True for the operator's command line.</summary>
    public bool IsOperator { get; private init; }

    /// <summary>The acting user's id; for use cases that only a person can perform.</summary>
    public Guid RequiredUserId => UserId ?? throw new InvalidOperationException("This use case needs a signed-in person, not an API key.");
}
