using Roster.Infrastructure.Web;

namespace Roster.Features.Accounts;

/// <summary>
/// Limits the <c>/api/v1/auth</c> POSTs per account (<see cref="AccountRateLimiter"/>), as <c>[LimitedPerAccount]</c>
/// limits the pages: the email of the bound request (<see cref="IAccountRequest"/>). Requests that name no account
/// (refresh, confirm-email, logout) are limited by address alone. Over the limit: 429 problem+json <c>rate_limited</c>
/// with <c>Retry-After</c>. The group's address limit is its <c>RequireRateLimiting(RateLimits.Credentials)</c>.
/// </summary>
public sealed class AccountRateLimitFilter(AccountRateLimiter limiter) : IEndpointFilter
{
    /// <summary>Takes an attempt at the request's account, or answers 429 without running the endpoint.</summary>
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var email = context.Arguments.OfType<IAccountRequest>().Select(request => request.Email).FirstOrDefault(email => email is not null);
        using var lease = limiter.Acquire(http, email);
        if (lease is { IsAcquired: false })
        {
            return RateLimits.Rejected(http, lease);
        }

        return await next(context);
    }
}
