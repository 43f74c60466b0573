namespace Roster.Infrastructure.Web;

public static class SecurityHeaders
{
    /// <summary>
    /// Headers on every response: no caching (<c>Cache-Control: no-store</c>), no framing (the Join and Revoke buttons cannot be clickjacked), no MIME
    /// sniffing, no Referer (a URL that carries a token never leaks to another site), and a content security
    /// policy that lets no injected script run.
    /// </summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";

        // Nothing Roster answers may be kept by a browser or a proxy: answers carry or are keyed by secrets (an
        // invitation's token in the URL, tokens in bodies) and by who is asking. Static files and the API reference's
        // assets say otherwise where they are served (revalidated with their ETag).
        var cacheControl = context.Request.Path.StartsWithSegments("/api/docs") ? "no-cache" : "no-store";
        context.Response.OnStarting(() =>
        {
            // Unless the answer says otherwise (antiforgery's own "no-cache, no-store", static files' "no-cache").
            if (Microsoft.Extensions.Primitives.StringValues.IsNullOrEmpty(context.Response.Headers.CacheControl))
            {
                context.Response.Headers.CacheControl = cacheControl;
            }

            return Task.CompletedTask;
        });
        if (!context.Request.Path.StartsWithSegments("/api/docs"))
        {
            // Pages load only Roster's own scripts and styles; no inline script runs. The API reference
            // (Scalar) boots with an inline module, so it goes without.
            headers.ContentSecurityPolicy =
                "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
        }

        await next(context);
    });
}
