using Microsoft.AspNetCore.Authentication.Cookies;

namespace Roster.Infrastructure.Web;

/// <summary>
/// The session cookie under HTTPS is <c>__Host-</c> + its name, <c>Secure</c>, <c>Path=/</c> and without a <c>Domain</c>
/// (RFC 6265bis section 4.1.3.2; OWASP ASVS V3.4): a browser then refuses the cookie from a sibling subdomain or a
/// plain-http page, so neither can plant or overwrite it (session fixation). Under plain http (the dev server, the
/// tests) the prefix is not allowed, so the plain name is used. Whether a request is HTTPS comes from the connection or
/// a trusted proxy's <c>X-Forwarded-Proto</c> (<see cref="ForwardedHeaders"/>).
/// </summary>
public sealed class HostPrefixedCookieManager(ICookieManager inner) : ICookieManager
{
    public const string Prefix = "__Host-";

    /// <summary>The name a cookie called <paramref name="name"/> has on this request: prefixed under HTTPS.</summary>
    public static string NameFor(HttpRequest request, string name) => request.IsHttps ? Prefix + name : name;

    public string? GetRequestCookie(HttpContext context, string key) => inner.GetRequestCookie(context, NameFor(context.Request, key));

    public void AppendResponseCookie(HttpContext context, string key, string? value, CookieOptions options) =>
        inner.AppendResponseCookie(context, NameFor(context.Request, key), value, Harden(context.Request, options));

    public void DeleteCookie(HttpContext context, string key, CookieOptions options) =>
        inner.DeleteCookie(context, NameFor(context.Request, key), Harden(context.Request, options));

    private static CookieOptions Harden(HttpRequest request, CookieOptions options)
    {
        if (request.IsHttps)
        {
            options.Secure = true;
            options.Path = "/";
            options.Domain = null;
        }

        return options;
    }
}
