using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.Extensions.Options;

namespace Roster.Infrastructure.Web;

/// <summary>
/// The per-account half of the credential limits: a framework <see cref="PartitionedRateLimiter{TResource}"/>
/// partitioned by the normalised email a request names, <see cref="RateLimitOptions.CredentialsPerAccountPerMinute"/>
/// for each account whatever address the requests come from. It is asked after model binding, inside the request
/// (the page filter <see cref="LimitedPerAccountAttribute"/>, the API's <c>AccountRateLimitFilter</c>), not by the
/// rate-limiting middleware: the middleware runs before the body is read, and a second parse of the body there
/// could disagree with the binder (a JSON body with <c>email</c> twice binds the last one) and so be dodged. Every
/// address of the world gets the same answer for an account, whether or not it exists, so the limit reveals nothing.
/// </summary>
public sealed class AccountRateLimiter(IOptions<RosterOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> limiter = PartitionedRateLimiter.Create<string, string>(
        account => RateLimitPartition.GetTokenBucketLimiter(account, _ => RateLimits.PerMinute(options.Value.RateLimits.CredentialsPerAccountPerMinute)),
        StringComparer.Ordinal);

    /// <summary>
    /// Takes one attempt at the account <paramref name="email"/> names (trimmed and normalised as Identity looks
    /// accounts up, with the request's own <see cref="ILookupNormalizer"/>, so case and spaces buy no extra attempts).
    /// Null when the request names no account: the request is then limited by its address alone, and fails its own
    /// validation if it needed one.
    /// </summary>
    public RateLimitLease? Acquire(HttpContext http, string? email)
    {
        if (string.IsNullOrWhiteSpace(email))
        {
            return null;
        }

        var trimmed = email.Trim();
        var normalizer = http.RequestServices.GetRequiredService<ILookupNormalizer>();
        return limiter.AttemptAcquire(normalizer.NormalizeEmail(trimmed) ?? trimmed);
    }

    /// <summary>Stops the limiter's replenishment timer.</summary>
    public void Dispose() => limiter.Dispose();
}

/// <summary>A page whose POST tries an account: sign-in, sign-up, password reset, verification resend.</summary>
public interface IAccountAttempt
{
    /// <summary>The email of the account the posted form tries (as bound), or null when it names none.</summary>
    string? AttemptedAccount { get; }
}

/// <summary>
/// Limits a page's POSTs per account (<see cref="AccountRateLimiter"/>), after model binding and before the handler;
/// the page model implements <see cref="IAccountAttempt"/>. Over the limit, the answer is 429 with
/// <c>Retry-After</c>, and the status code pages show "Too many attempts". The page's address limit is its
/// <c>[EnableRateLimiting(RateLimits.Credentials)]</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class LimitedPerAccountAttribute : Attribute, IAsyncPageFilter
{
    /// <summary>Nothing to do before the handler is chosen.</summary>
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    /// <summary>Takes an attempt at the posted account, or answers 429 without running the handler.</summary>
    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var http = context.HttpContext;
        if (HttpMethods.IsPost(http.Request.Method) && context.HandlerInstance is IAccountAttempt attempt)
        {
            using var lease = http.RequestServices.GetRequiredService<AccountRateLimiter>().Acquire(http, attempt.AttemptedAccount);
            if (lease is { IsAcquired: false })
            {
                RateLimits.SetRetryAfter(http, lease);
                context.Result = new StatusCodeResult(StatusCodes.Status429TooManyRequests);
                return;
            }
        }

        await next();
    }
}
