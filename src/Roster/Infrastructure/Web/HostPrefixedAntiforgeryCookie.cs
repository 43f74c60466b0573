using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http.Features;

namespace Roster.Infrastructure.Web;

/// <summary>
/// The antiforgery cookie under HTTPS is <c>__Host-</c> + <see cref="CookieNames.Antiforgery"/>, <c>Secure</c>,
/// <c>Path=/</c> and without a <c>Domain</c>, like the session cookie (<see cref="HostPrefixedCookieManager"/>; RFC 6265bis
/// section 4.1.3.2; OWASP ASVS V3.4): a sibling subdomain or a plain-http page cannot plant or overwrite it, so it cannot
/// pair its own cookie token with a form token it knows. Over plain http (development, the tests' Kestrel) the prefix is
/// not allowed and the plain name stays.
/// </summary>
/// <remarks>
/// ASP.NET Core's antiforgery reads one configured cookie name and has no cookie manager: its token store
/// (<c>DefaultAntiforgeryTokenStore</c>, internal) reads <c>Request.Cookies[options.Cookie.Name]</c> and writes
/// <c>Response.Cookies.Append(options.Cookie.Name, token, options)</c>, nothing else. So, for an HTTPS request only, this
/// middleware puts views over the request's and the response's cookie features in which that one name stands for the
/// prefixed cookie: a read finds only the <c>__Host-</c> cookie (an unprefixed one a subdomain planted is ignored), and a
/// write sets the <c>__Host-</c> cookie, hardened. Every other cookie passes through untouched. Whether a request is HTTPS
/// comes from the connection or a trusted proxy's <c>X-Forwarded-Proto</c>, so it runs after the forwarded headers.
/// </remarks>
public static class HostPrefixedAntiforgeryCookie
{
    /// <summary>The antiforgery cookie's name on this request: prefixed under HTTPS.</summary>
    public static string NameFor(HttpRequest request) => HostPrefixedCookieManager.NameFor(request, CookieNames.Antiforgery);

    /// <summary>Adds the middleware; place it after the forwarded headers and before anything that uses antiforgery.</summary>
    public static IApplicationBuilder UseHostPrefixedAntiforgeryCookie(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (context.Request.IsHttps)
        {
            var requestCookies = context.Features.Get<IRequestCookiesFeature>() ?? new RequestCookiesFeature(context.Features);
            var responseCookies = context.Features.Get<IResponseCookiesFeature>() ?? new ResponseCookiesFeature(context.Features);
            context.Features.Set<IRequestCookiesFeature>(new PrefixedRequestCookiesFeature(requestCookies));
            context.Features.Set<IResponseCookiesFeature>(new PrefixedResponseCookiesFeature(responseCookies));
        }

        return next(context);
    });

    private static string Map(string key) =>
        string.Equals(key, CookieNames.Antiforgery, StringComparison.Ordinal) ? HostPrefixedCookieManager.Prefix + key : key;

    private static CookieOptions Harden(string key, CookieOptions options)
    {
        if (string.Equals(key, CookieNames.Antiforgery, StringComparison.Ordinal))
        {
            options.Secure = true;
            options.Path = "/";
            options.Domain = null;
        }

        return options;
    }

    private sealed class PrefixedRequestCookiesFeature(IRequestCookiesFeature inner) : IRequestCookiesFeature
    {
        public IRequestCookieCollection Cookies
        {
            get => new PrefixedRequestCookies(inner.Cookies);
            set => inner.Cookies = value;
        }
    }

    private sealed class PrefixedRequestCookies(IRequestCookieCollection inner) : IRequestCookieCollection
    {
        public string? this[string key] => inner[Map(key)];

        public int Count => inner.Count;

        public ICollection<string> Keys => inner.Keys;

        public bool ContainsKey(string key) => inner.ContainsKey(Map(key));

        public bool TryGetValue(string key, [NotNullWhen(true)] out string? value) => inner.TryGetValue(Map(key), out value);

        public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => inner.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    private sealed class PrefixedResponseCookiesFeature(IResponseCookiesFeature inner) : IResponseCookiesFeature
    {
        public IResponseCookies Cookies => new PrefixedResponseCookies(inner.Cookies);
    }

    private sealed class PrefixedResponseCookies(IResponseCookies inner) : IResponseCookies
    {
        public void Append(string key, string value) => inner.Append(Map(key), value, Harden(key, new CookieOptions()));

        public void Append(string key, string value, CookieOptions options) => inner.Append(Map(key), value, Harden(key, options));

        public void Append(ReadOnlySpan<KeyValuePair<string, string>> keyValuePairs, CookieOptions options)
        {
            foreach (var (key, value) in keyValuePairs)
            {
                Append(key, value, new CookieOptions(options));
            }
        }

        public void Delete(string key) => inner.Delete(Map(key), Harden(key, new CookieOptions()));

        public void Delete(string key, CookieOptions options) => inner.Delete(Map(key), Harden(key, options));
    }
}
