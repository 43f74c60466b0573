using Scalar.AspNetCore;

namespace Roster.Infrastructure.Web;

/// <summary>The headers that every answer carries: caching, framing, sniffing, referrers and the content security policy.</summary>
public static class SecurityHeaders
{
    /// <summary>
    /// The policy of every page (dashboard, sign-in, invitation, error pages): only Roster's own scripts, styles and
    /// images (and data: images) load; no inline script or style attribute applies, so injected markup cannot run or
    /// restyle anything; no plugins, no &lt;base&gt;, no framing, and forms post only to Roster.
    /// </summary>
    public const string PagePolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

    /// <summary>
    /// Headers on every response: no caching (<c>Cache-Control: no-store</c>), no framing (the Join and Revoke buttons cannot be clickjacked), no MIME
    /// sniffing, no Referer (a URL that carries a token never leaks to another site), and a content security
    /// policy that lets no injected script run.
    /// </summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app)
    {
        // A "Continue with <provider>" form posts to Roster, which redirects to the provider: form-action also allows the
        // configured OpenID Connect providers' origins (and no other), or the browser would stop at the redirect.
        var providerOrigins = app.ApplicationServices.GetService<Features.ExternalLogins.OpenIdConnectProviders>()?.Origins ?? [];
        var pagePolicy = providerOrigins.Count == 0 ? PagePolicy : PagePolicy + " " + string.Join(' ', providerOrigins);
        return app.UseSecurityHeaders(pagePolicy);
    }

    private static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app, string pagePolicy) => app.Use(async (context, next) =>
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";

        // Nothing Roster answers may be kept by a browser or a proxy: answers carry or are keyed by secrets (an
        // invitation's token in the URL, tokens in bodies) and by who is asking. Static files and the API reference's
        // assets say otherwise where they are served (revalidated with their ETag).
        var apiReference = context.Request.Path.StartsWithSegments("/api/docs");
        var cacheControl = apiReference ? "no-cache" : "no-store";
        context.Response.OnStarting(() =>
        {
            // Unless the answer says otherwise (antiforgery's own "no-cache, no-store", static files' "no-cache").
            if (Microsoft.Extensions.Primitives.StringValues.IsNullOrEmpty(context.Response.Headers.CacheControl))
            {
                context.Response.Headers.CacheControl = cacheControl;
            }

            return Task.CompletedTask;
        });

        if (apiReference)
        {
            // The API reference (Scalar) boots from an inline module script and styles itself at run time. Scalar puts a
            // fresh nonce on its page's script tags (WithNonce, where it is mapped): its policy allows those scripts alone,
            // and inline styles, which cannot run code. It loads nothing from elsewhere (Scalar's web fonts are off).
            context.Response.OnStarting(() =>
            {
                var nonce = context.Items[ScalarOptions.NonceHttpContextItemKey] is string value ? $" 'nonce-{value}'" : "";
                context.Response.Headers.ContentSecurityPolicy =
                    $"default-src 'self'; script-src 'self'{nonce}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
                    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
                return Task.CompletedTask;
            });
        }
        else
        {
            // Error pages are re-executed through this middleware, and so carry it too.
            headers.ContentSecurityPolicy = pagePolicy;
        }

        await next(context);
    });
}
