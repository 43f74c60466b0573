using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Roster.Infrastructure.Web;

/// <summary>
/// Rate limits for what can be guessed or abused, with the framework's rate limiter. Two policies limit per client
/// address, each with its own budget: <see cref="Credentials"/> (sign-in, sign-up, password reset, verification,
/// token refresh) and <see cref="Links"/> (opening, previewing and accepting invitation links, higher: a token is not
/// guessable). On top of the address, a credential request that names an account is limited per account
/// (<see cref="AccountRateLimiter"/>), so an office of fifty behind one address gets in while fifty addresses guessing
/// one password do not. The numbers are settings (<see cref="RateLimitOptions"/>); docs/design.md says why.
/// </summary>
public static class RateLimits
{
    /// <summary>The policy of the credential pages and API routes: per client address.</summary>
    public const string Credentials = "credentials";

    /// <summary>The policy of the invitation link's page, preview and accept: per client address, higher.</summary>
    public const string Links = "links";

    /// <summary>The setting this replaced; still set, it stops the app at start rather than be silently ignored.</summary>
    private const string ReplacedSetting = "Roster:SensitiveRequestsPerMinute";

    /// <summary>Registers the two address policies, the per-account limiter and the 429 answer.</summary>
    public static IServiceCollection AddRosterRateLimits(this IServiceCollection services)
    {
        services.AddOptions<RosterOptions>()
            .Validate(
                options => options.RateLimits is { CredentialsPerAccountPerMinute: > 0, CredentialsPerAddressPerMinute: > 0, LinksPerAddressPerMinute: > 0 },
                "Roster:RateLimits: every limit (CredentialsPerAccountPerMinute, CredentialsPerAddressPerMinute, LinksPerAddressPerMinute) is a number of requests a minute, at least 1.")
            .Validate<IConfiguration>(
                (_, configuration) => configuration[ReplacedSetting] is null,
                $"{ReplacedSetting} was replaced by Roster:RateLimits:CredentialsPerAccountPerMinute, CredentialsPerAddressPerMinute and LinksPerAddressPerMinute (README, Configuration). Remove it and set those.")
            .ValidateOnStart();
        services.AddSingleton<AccountRateLimiter>();
        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(Credentials, context => PerAddress(context, limits => limits.CredentialsPerAddressPerMinute));
            limiter.AddPolicy(Links, context => PerAddress(context, limits => limits.LinksPerAddressPerMinute));
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                var http = context.HttpContext;
                http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                if (http.Request.Path.StartsWithSegments("/api"))
                {
                    await Rejected(http, context.Lease).ExecuteAsync(http);
                    return;
                }

                // Pages: the status code pages show the "Too many attempts" page, which reads Retry-After.
                SetRetryAfter(http, context.Lease);
            };
        });
        return services;
    }

    /// <summary>
    /// The partition of a client address: an IPv4 address as it is (also when it arrives IPv4-mapped on a dual-stack
    /// socket), an IPv6 address by its /64 prefix, because one host or one home is given a whole /64 and picks any
    /// address in it at will (RFC 8981 temporary addresses); counting full IPv6 addresses would give it 2^64 budgets.
    /// No address (an in-process test server) is one shared partition.
    /// </summary>
    public static string ClientPartition(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return $"{new IPAddress(bytes)}/64";
    }

    /// <summary>
    /// A token bucket of <paramref name="perMinute"/> tokens that refills one token every minute / perMinute: at most
    /// <paramref name="perMinute"/> a minute once it has run dry, with a burst of that many. Refilling evenly (rather
    /// than a fixed window that resets each minute) means a limited person waits seconds, not up to a minute, and
    /// the lease's RetryAfter is the time to the next token (.NET 10's fixed window reports its whole window).
    /// </summary>
    public static TokenBucketRateLimiterOptions PerMinute(int perMinute) => new()
    {
        TokenLimit = perMinute,
        TokensPerPeriod = 1,
        ReplenishmentPeriod = TimeSpan.FromTicks(Math.Max(1, TimeSpan.FromMinutes(1).Ticks / perMinute)),
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    /// <summary>
    /// The API's answer to a request over a limit: 429 problem+json <c>rate_limited</c>, with <c>Retry-After</c> in
    /// whole seconds from the refusing limiter, rounded up.
    /// </summary>
    public static ProblemHttpResult Rejected(HttpContext http, RateLimitLease lease) =>
        Rejected(http, SetRetryAfter(http, lease));

    /// <summary>
    /// The same answer to a request over a limit counted outside the framework's limiters (an address's daily wrong
    /// email codes, counted in the database), with <c>Retry-After</c> as <see cref="SetRetryAfter(HttpContext, TimeSpan)"/> sets it.
    /// </summary>
    public static ProblemHttpResult Rejected(HttpContext http, TimeSpan retryAfter) =>
        Rejected(http, SetRetryAfter(http, retryAfter));

    private static ProblemHttpResult Rejected(HttpContext http, int seconds)
    {
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status429TooManyRequests,
            Title = "Too many attempts.",
            Detail = $"Try again in {seconds} {(seconds == 1 ? "second" : "seconds")}.",
        };
        problem.Extensions["code"] = "rate_limited";
        return TypedResults.Problem(problem);
    }

    /// <summary>Sets <c>Retry-After</c> from the lease (whole seconds, rounded up, at least 1) and returns it.</summary>
    public static int SetRetryAfter(HttpContext http, RateLimitLease lease)
    {
        var seconds = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
            : 60;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return seconds;
    }

    /// <summary>Sets <c>Retry-After</c> to <paramref name="retryAfter"/> (whole seconds, rounded up, at least 1) and returns it.</summary>
    public static int SetRetryAfter(HttpContext http, TimeSpan retryAfter)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return seconds;
    }

    private static RateLimitPartition<string> PerAddress(HttpContext context, Func<RateLimitOptions, int> limit)
    {
        var perMinute = limit(context.RequestServices.GetRequiredService<IOptions<RosterOptions>>().Value.RateLimits);

        // The address is the connection's, or the client's from X-Forwarded-For only behind a configured trusted proxy
        // (ForwardedHeaders): a header anyone can send never picks the partition. The middleware keeps each policy's
        // partitions apart, so credentials and links never share a budget.
        return RateLimitPartition.GetTokenBucketLimiter(ClientPartition(context.Connection.RemoteIpAddress), _ => PerMinute(perMinute));
    }
}
