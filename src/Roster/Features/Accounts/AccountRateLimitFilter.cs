using System.Security.Claims;
using Microsoft.AspNetCore.Identity.Data;
using Roster.Infrastructure.Web;

namespace Roster.Features.Accounts;

/// <summary>
/// Limits Identity's <c>/api/v1/auth</c> POSTs per account (<see cref="AccountRateLimiter"/>): the email of the bound
/// request (login, register, forgot and reset password, resend confirmation), else the signed-in caller's own (the
/// <c>manage</c> routes, which check the old password). Refresh names no account and is limited by address alone.
/// Over the limit: 429 problem+json <c>rate_limited</c> with <c>Retry-After</c>. The group's address limit is its
/// <c>RequireRateLimiting(RateLimits.Credentials)</c>.
/// </summary>
public sealed class AccountRateLimitFilter(AccountRateLimiter limiter) : IEndpointFilter
{
    /// <summary>Takes an attempt at the request's account, or answers 429 without running the endpoint.</summary>
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (HttpMethods.IsPost(http.Request.Method))
        {
            using var lease = limiter.Acquire(http, AccountOf(context));
            if (lease is { IsAcquired: false })
            {
                return RateLimits.Rejected(http, lease);
            }
        }

        return await next(context);
    }

    private static string? AccountOf(EndpointFilterInvocationContext context) =>
        context.Arguments.Select(argument => argument switch
        {
            LoginRequest login => login.Email,
            RegisterRequest register => register.Email,
            ForgotPasswordRequest forgot => forgot.Email,
            ResetPasswordRequest reset => reset.Email,
            ResendConfirmationEmailRequest resend => resend.Email,
            _ => null,
        }).FirstOrDefault(email => email is not null)
        ?? context.HttpContext.User.FindFirstValue(ClaimTypes.Email);
}
