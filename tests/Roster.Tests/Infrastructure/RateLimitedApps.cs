using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Roster.Infrastructure.Web;

namespace Roster.Tests.Infrastructure;

/// <summary>
/// Apps for the rate-limit tests: each its own, on real Kestrel (requests come from 127.0.0.1, one office behind one
/// address), with the shipped limits unless the test sets others, and hashing made cheap (no test here is about its
/// strength). With <c>trustProxy</c>, 127.0.0.1 is a trusted proxy, so a request's X-Forwarded-For is its address.
/// </summary>
public static class RateLimitedApps
{
    public static Task<IsolatedApp> StartAsync(Dictionary<string, string>? settings = null, bool trustProxy = false)
    {
        settings ??= [];
        if (trustProxy)
        {
            settings["Roster:TrustedProxies:0"] = "127.0.0.1";
        }

        return IsolatedApp.StartAsync(
            settings, kestrel: true, services: services => services.Configure<PasswordHasherOptions>(hashing => hashing.IterationCount = 1000));
    }

    /// <summary>The address the app's Kestrel server listens on.</summary>
    public static Uri BaseAddressOf(IsolatedApp app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());

    /// <summary>The limits the app runs with.</summary>
    public static RateLimitOptions LimitsOf(IsolatedApp app) => app.Services.GetRequiredService<IOptions<RosterOptions>>().Value.RateLimits;
}
