using Roster.Infrastructure.Errors;

namespace Roster.Features.JoinRequests;

public static class JoinRequestErrors
{
    /// <summary>404: no pending request of that id in this workspace (decided already, or never there).</summary>
    public static readonly Error NotFound = new("join_request.not_found", "No such pending request to join in this workspace.", ErrorKind.NotFound);

    /// <summary>The per-account limit on new requests (<see cref="JoinRequestService.MaxPerAccountPerHour"/>): answered 429 <c>rate_limited</c>.</summary>
    public static readonly Error RateLimited = new("rate_limited", "You asked to join too many workspaces in the last hour. Try again later.", ErrorKind.Conflict);

    /// <summary>
    /// 409: an Admin of this workspace declined the person's request less than <see cref="JoinRequestService.DeclinedCooldown"/>
    /// ago; asking again at once would only email its Admins again.
    /// </summary>
    public static readonly Error DeclinedRecently = new(
        "join_request.declined_recently", "An Admin declined your request to join this workspace less than a day ago. Ask one of its Admins for an invitation instead.", ErrorKind.Conflict);
}
