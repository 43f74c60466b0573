using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Roster.Infrastructure.Web;

public static class ForwardedHeaders
{
    /// <summary>
    /// Behind a load balancer or TLS-terminating proxy, the client's address and scheme arrive in
    /// X-Forwarded-For and X-Forwarded-Proto. They are believed only from the proxies named in
    /// <c>Roster:TrustedProxies</c> (addresses or CIDR ranges): from anyone else they could be forged to dodge
    /// the per-client rate limits. With none named, the headers are not read at all (the framework's
    /// middleware would trust every sender once its lists are empty).
    /// </summary>
    public static IApplicationBuilder UseRosterForwardedHeaders(this IApplicationBuilder app, IConfiguration configuration)
    {
        var trusted = (configuration.GetSection("Roster:TrustedProxies").Get<string[]>() ?? [])
            .Where(entry => !string.IsNullOrWhiteSpace(entry))
            .Select(entry => entry.Trim())
            .ToList();
        if (trusted.Count == 0)
        {
            return app;
        }

        var options = new ForwardedHeadersOptions
        {
            ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor
                | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedProto,
        };
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var entry in trusted)
        {
            if (entry.Contains('/', StringComparison.Ordinal))
            {
                options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(entry));
            }
            else
            {
                options.KnownProxies.Add(IPAddress.Parse(entry));
            }
        }

        return app.UseForwardedHeaders(options);
    }
}
