using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;

namespace Roster.Infrastructure.Web;

/// <summary>
/// Every page answers 404 or 405 for a handler or a method it does not have, instead of rendering itself with no
/// handler run (Razor Pages' default, which left a page model half-built and answered 500).
/// <list type="bullet">
/// <item>A handler name (<c>?handler=Nope</c>, or a <c>handler</c> route value) that no handler of the page has, for any
/// method: 404.</item>
/// <item>A method for which the page has no handler with that name (or, with no name, no unnamed handler): 405, with an
/// <c>Allow</c> header listing the methods it has for that name (GET brings HEAD, which Razor Pages serves with
/// <c>OnGet</c>).</item>
/// <item><c>OPTIONS</c>: 204 with that <c>Allow</c> header (RFC 9110, section 9.3.7).</item>
/// </list>
/// A page with no handler methods at all is a plain view: it answers GET and HEAD and nothing else. A request that the
/// status-code pages or the exception handler re-execute (the error page, in the failed request's method) is left alone.
/// A name the page has for another method, sent with a method that has an unnamed handler (<c>GET ?handler=Revoke</c>,
/// a reloaded address after a form's POST), runs the unnamed handler, as Razor Pages chooses.
/// </summary>
/// <remarks>
/// It runs first among page filters (before the page model's own filter methods), after authorization and antiforgery,
/// so it tells a signed-in, authorized caller only what the page's address already says.
/// </remarks>
public sealed class PageHandlerGuard : IAsyncPageFilter, IOrderedFilter
{
    private const string HandlerKey = "handler";

    public int Order => int.MinValue;

    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (Refusal(context) is { } refusal)
        {
            context.Result = refusal;
            return;
        }

        await next();
    }

    /// <summary>
    /// The methods the page serves for the handler name (null: no name), upper case, GET followed by HEAD; empty when
    /// the name is none of the page's. A page without handlers serves GET and HEAD under no name.
    /// </summary>
    public static IReadOnlyList<string> AllowedMethods(IList<HandlerMethodDescriptor> handlers, string? handlerName)
    {
        if (handlers.Count == 0)
        {
            return handlerName is null ? [HttpMethods.Get, HttpMethods.Head] : [];
        }

        if (handlerName is not null && !handlers.Any(handler => Named(handler, handlerName)))
        {
            return [];
        }

        // Razor Pages runs an unnamed handler for a name that only other methods have, so both count here.
        var methods = handlers
            .Where(handler => handler.Name is null || (handlerName is not null && Named(handler, handlerName)))
            .Select(handler => handler.HttpMethod.ToUpperInvariant())
            .ToHashSet(StringComparer.Ordinal);
        if (methods.Contains(HttpMethods.Get))
        {
            methods.Add(HttpMethods.Head);
        }

        return [.. methods.OrderBy(Rank).ThenBy(method => method, StringComparer.Ordinal)];
    }

    private static IActionResult? Refusal(PageHandlerExecutingContext context)
    {
        var http = context.HttpContext;
        if (http.Features.Get<IStatusCodeReExecuteFeature>() is not null || http.Features.Get<IExceptionHandlerFeature>() is not null)
        {
            // The error page, rendered for whatever method the failed request had.
            return null;
        }

        var handlers = context.ActionDescriptor.HandlerMethods;
        var name = HandlerName(context);
        var options = HttpMethods.IsOptions(http.Request.Method);
        if (name is not null && !handlers.Any(handler => Named(handler, name)))
        {
            if (options && http.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodePagesFeature>() is { } statusCodePages)
            {
                // The error page re-executed under OPTIONS would answer 200: a bare 404 instead.
                statusCodePages.Enabled = false;
            }

            return new NotFoundResult();
        }

        if (options)
        {
            // OPTIONS asks what the page takes (RFC 9110, section 9.3.7): the Allow header, and no body.
            http.Response.Headers.Allow = string.Join(", ", AllowedMethods(handlers, name));
            return new NoContentResult();
        }

        if (context.HandlerMethod is not null)
        {
            return null;
        }

        if (handlers.Count == 0 && name is null && (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method)))
        {
            // A plain view: its GET renders it.
            return null;
        }

        http.Response.Headers.Allow = string.Join(", ", AllowedMethods(handlers, name));
        return new StatusCodeResult(StatusCodes.Status405MethodNotAllowed);
    }

    /// <summary>The handler name as Razor Pages reads it: the route value, else the first <c>handler</c> in the query.</summary>
    private static string? HandlerName(PageHandlerExecutingContext context)
    {
        var name = Convert.ToString(context.RouteData.Values[HandlerKey], CultureInfo.InvariantCulture);
        if (string.IsNullOrEmpty(name) && context.HttpContext.Request.Query.TryGetValue(HandlerKey, out var values))
        {
            name = values[0];
        }

        return string.IsNullOrEmpty(name) ? null : name;
    }

    private static bool Named(HandlerMethodDescriptor handler, string name) =>
        handler.Name is not null && string.Equals(handler.Name, name, StringComparison.OrdinalIgnoreCase);

    private static int Rank(string method) => method switch
    {
        "GET" => 0,
        "HEAD" => 1,
        "POST" => 2,
        _ => 3,
    };
}
