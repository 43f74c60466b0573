using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Roster.Infrastructure.Web;

namespace Roster.Features.EmailCodes;

/// <summary>
/// How many sign-in emails one address may be sent: <see cref="EmailCodeOptions.SendsPerAddress"/> per
/// <see cref="EmailCodeOptions.SendWindow"/> (a token bucket that refills evenly), whoever asks and from wherever, so
/// nobody floods a mailbox and an attacker asking for codes to guess gets few of them. Every address is limited the
/// same way whether or not it has an account, so the limit reveals nothing. Per client address, the requests are also
/// under <see cref="RateLimits.Credentials"/>.
/// </summary>
public sealed class EmailCodeSendLimiter(IOptions<EmailCodeOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> limiter = PartitionedRateLimiter.Create<string, string>(
        address => RateLimitPartition.GetTokenBucketLimiter(address, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = options.Value.SendsPerAddress,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = options.Value.SendWindow / options.Value.SendsPerAddress,
            QueueLimit = 0,
            AutoReplenishment = true,
        }),
        StringComparer.Ordinal);

    /// <summary>Takes one send for <paramref name="email"/> (normalised as Identity looks accounts up).</summary>
    public RateLimitLease Acquire(ILookupNormalizer normalizer, string email) =>
        limiter.AttemptAcquire(normalizer.NormalizeEmail(email) ?? email);

    /// <summary>Stops the limiter's replenishment timer.</summary>
    public void Dispose() => limiter.Dispose();
}

/// <summary>
/// Bound from <c>Roster:RateLimits:EmailCodes</c> (e.g. <c>Roster:RateLimits:EmailCodes:SendsPerAddress</c>,
/// <c>Roster:RateLimits:EmailCodes:FailuresPerAddressPerDay</c>).
/// </summary>
public sealed class EmailCodeOptions
{
    /// <summary>Sign-in emails one address may be sent per <see cref="SendWindow"/> (at least 1). Default 5.</summary>
    public int SendsPerAddress { get; set; } = 5;

    /// <summary>The window of <see cref="SendsPerAddress"/> (at least one second). Default 15 minutes.</summary>
    public TimeSpan SendWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Wrong codes one address's requests may be sent in any 24 hours, by anyone (at least 1): past it, every code for
    /// the address is refused with 429 until the oldest counted wrong code is 24 hours old (<see cref="EmailCodeGuessBudget"/>,
    /// which gives the odds). Default 20: a guesser's chance of 1 in 5,000,000 a day, about 1 in 13,700 a year.
    /// </summary>
    public int FailuresPerAddressPerDay { get; set; } = 20;
}
