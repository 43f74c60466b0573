namespace Roster.Infrastructure.Web;

public static class SecurityHeaders
{
    /// <summary>
    /// Headers on every response: no framing (the Join and Revoke buttons cannot be clickjacked), no MIME
    /// sniffing, and no Referer, so a URL that carries a token never leaks to another site.
    /// </summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        await next(context);
    });
}
