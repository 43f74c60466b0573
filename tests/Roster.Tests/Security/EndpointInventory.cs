using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Roster.Tests.Security;

/// <summary>
/// Every operation the running app exposes, read from its endpoint data sources: each API route with each of its
/// HTTP methods, and each page route with each of its handler methods (as Razor Pages itself finds them on the
/// page model by reflection: <c>OnGet</c>, <c>OnPostRevokeAsync</c>, ...). Named as the matrix names its rows:
/// <c>DELETE /api/v1/workspaces/{workspaceId}/members/{userId}</c>, <c>PAGE POST /w/{workspaceId}/settings/workspace?handler=Revoke</c>.
/// </summary>
public static partial class EndpointInventory
{
    /// <summary>
    /// Routes that cannot belong in the authorization matrix, with the reason. Matched on the route (every method),
    /// or on a prefix where the entry ends with "/". Static files are not endpoints (the static file middleware
    /// serves them before routing), so they need no entry.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Exclusions { get; } = new Dictionary<string, string>
    {
        ["/healthz"] = "health check: open to load balancers by design, answers nothing about anyone",
        ["/readyz"] = "health check: open to load balancers by design, answers nothing about anyone",
        ["/openapi/{documentName}.json"] = "the OpenAPI description: public by design (SPEC section 8), the same for every caller",
        ["/api/docs/"] = "the interactive API reference (Scalar): its page and static assets, public and the same for every caller",
        ["/Index"] = "Razor Pages' conventional alias of /Index.cshtml: the same page and handlers as /, which has its rows",
    };

    public static string Key(bool page, string method, string route, string? handler) =>
        page ? $"PAGE {method} {route}{(handler is null ? "" : $"?handler={handler}")}" : $"{method} {route}";

    /// <summary>
    /// Every (method, route, handler) of the app that the matrix must cover. Endpoints that are neither a page nor
    /// limited to HTTP methods are listed with the method <c>*</c>, so that a new one is noticed all the same.
    /// </summary>
    public static async Task<IReadOnlyList<string>> ListAsync(IServiceProvider services)
    {
        var loader = services.GetRequiredService<PageLoader>();
        var operations = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var endpoint in services.GetRequiredService<EndpointDataSource>().Endpoints)
        {
            if (endpoint is not RouteEndpoint routeEndpoint)
            {
                throw new InvalidOperationException($"An endpoint without a route: {endpoint.DisplayName}. Decide how the matrix covers it.");
            }

            var route = NormalizeRoute(routeEndpoint.RoutePattern.RawText ?? "");
            if (IsExcluded(route))
            {
                continue;
            }

            if (endpoint.Metadata.GetMetadata<PageActionDescriptor>() is { } page)
            {
                var compiled = await loader.LoadAsync(page, endpoint.Metadata);
                foreach (var handler in compiled.HandlerMethods)
                {
                    operations.Add(Key(page: true, handler.HttpMethod.ToUpperInvariant(), route, handler.Name));
                }

                continue;
            }

            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"];
            foreach (var method in methods)
            {
                operations.Add(Key(page: false, method, route, handler: null));
            }
        }

        return [.. operations];
    }

    /// <summary>The exclusions that match no endpoint any more (so the list cannot quietly grow stale).</summary>
    public static IReadOnlyList<string> UnusedExclusions(IServiceProvider services)
    {
        var routes = services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(endpoint => NormalizeRoute(endpoint.RoutePattern.RawText ?? "")).ToList();
        return Exclusions.Keys.Where(exclusion => !routes.Any(route => Matches(exclusion, route))).ToList();
    }

    /// <summary>
    /// A route as the matrix writes it: a leading slash, no trailing slash (a group's <c>MapGet("/")</c>), no
    /// parameter constraints (<c>{userId:guid}</c> is <c>{userId}</c>).
    /// </summary>
    public static string NormalizeRoute(string raw)
    {
        var route = "/" + Constraint().Replace(raw, "{$1}").Trim('/');
        return route;
    }

    private static bool IsExcluded(string route) => Exclusions.Keys.Any(exclusion => Matches(exclusion, route));

    private static bool Matches(string exclusion, string route) =>
        exclusion.EndsWith('/') ? route.StartsWith(exclusion, StringComparison.Ordinal) : route == exclusion;

    [GeneratedRegex(@"\{([^{}:=?*]+)(?::[^{}]*)?\}")]
    private static partial Regex Constraint();
}
