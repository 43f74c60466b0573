using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace Roster.Infrastructure.Web;

/// <summary>
/// The size every request body may have, per route, and the checks a body passes before any endpoint reads it.
/// Every endpoint carries a limit (<see cref="IRequestSizeLimitMetadata"/>, applied by endpoint routing): the JSON
/// API <see cref="ApiBytes"/> unless a route says otherwise, the dashboard's forms <see cref="FormBytes"/>, and
/// Kestrel's own <see cref="ServerBytes"/> for a request no endpoint matched. A declared length over the limit is
/// refused before the body is read; a chunked body is cut off by the server at the limit. docs/design.md lists them.
/// </summary>
public static class RequestBodies
{
    /// <summary>Bytes a JSON API request body may have unless its route sets its own limit: 16 KiB.</summary>
    public const long ApiBytes = 16 * 1024;

    /// <summary>Bytes the batch authorization body may have (100 checks): 64 KiB.</summary>
    public const long AuthorizeBatchBytes = 64 * 1024;

    /// <summary>Bytes a dashboard form (a page's POST) may have: 32 KiB.</summary>
    public const long FormBytes = 32 * 1024;

    /// <summary>Bytes any request body may have when no endpoint matched (Kestrel's limit): 64 KiB.</summary>
    public const long ServerBytes = 64 * 1024;

    /// <summary>Gives the endpoints of <paramref name="builder"/> a body limit of <paramref name="bytes"/> bytes.</summary>
    public static TBuilder WithBodyLimit<TBuilder>(this TBuilder builder, long bytes)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequestSizeLimitAttribute(bytes));

    /// <summary>
    /// After routing, before authentication reads anything: a body whose declared <c>Content-Length</c> is over its
    /// route's limit answers 413 <c>request.too_large</c>, and a <c>Content-Type</c> whose charset is not UTF-8 (JSON is
    /// UTF-8, RFC 8259 section 8.1; the dashboard's forms are UTF-8) answers 415
    /// <c>request.unsupported_media_type</c>: the framework would fail on a charset it does not know. API callers get
    /// problem+json; pages get the error page for that status.
    /// </summary>
    public static IApplicationBuilder UseRequestBodyChecks(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var request = context.Request;
        if (context.Features.Get<IStatusCodeReExecuteFeature>() is not null || context.Features.Get<IExceptionHandlerFeature>() is not null)
        {
            // The error page, re-executed for this very request: its body was already refused, and is not read again.
            await next(context);
            return;
        }

        if (request.Headers.ContentType.Count > 1 || (request.Headers.ContentType.Count == 1 && !IsUtf8(request.Headers.ContentType[0])))
        {
            await RefuseAsync(context, StatusCodes.Status415UnsupportedMediaType, "request.unsupported_media_type", "Send the body as UTF-8, with one Content-Type.");
            return;
        }

        var limit = context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize;
        if (request.ContentLength is { } length && limit is { } bytes && length > bytes)
        {
            await RefuseAsync(context, StatusCodes.Status413PayloadTooLarge, "request.too_large", $"The request body is larger than this route takes ({bytes / 1024} KiB).");
            return;
        }

        await next(context);
    });

    /// <summary>True when the media type names no charset or names UTF-8 (<c>utf-8</c>, in any letter case, unquoted).</summary>
    internal static bool IsUtf8(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var mediaType))
        {
            // Not a media type at all: the endpoint's own content-type check answers 415 without reading a charset.
            return true;
        }

        var charset = mediaType.Charset;
        if (!charset.HasValue)
        {
            return true;
        }

        // Unquoted only: the framework's readers take a quoted charset ("utf-8") for an encoding's name and fail on it.
        // "utf8" is refused as well: the JSON reader does not know that name.
        return charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase);
    }

    private static async Task RefuseAsync(HttpContext context, int status, string code, string title)
    {
        context.Response.StatusCode = status;

        // The body stays unread, so the connection cannot carry another request: close it after this answer.
        context.Response.Headers.Connection = "close";
        if (!context.Request.Path.StartsWithSegments("/api"))
        {
            // Pages: the status code pages show the error page for this status.
            return;
        }

        var problem = new ProblemDetails { Status = status, Title = title };
        problem.Extensions["code"] = code;
        await TypedResults.Problem(problem).ExecuteAsync(context);
    }
}
