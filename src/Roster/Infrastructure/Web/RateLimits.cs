using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Roster.Infrastructure.Errors;

namespace Roster.Infrastructure.Web;

/// <summary>Rate limits for what can be guessed or abused: credentials, reset requests, invitation tokens.</summary>
public static class RateLimits
{
    public const string Sensitive = "sensitive";

    public static IServiceCollection AddRosterRateLimits(this IServiceCollection services)
    {
        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(Sensitive, context =>
            {
                var perMinute = context.RequestServices.GetRequiredService<IOptions<RosterOptions>>().Value.SensitiveRequestsPerMinute;
                var client = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
                return RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = perMinute,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                });
            });
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                var http = context.HttpContext;
                http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                http.Response.Headers.RetryAfter = "60";
                if (http.Request.Path.StartsWithSegments("/api"))
                {
                    await ProblemResults.Problem(StatusCodes.Status429TooManyRequests, "rate_limited", "Too many attempts. Wait a minute and try again.")
                        .ExecuteAsync(http);
                }

                // Pages: the status code pages show the "Too many attempts" page.
            };
        });
        return services;
    }
}
