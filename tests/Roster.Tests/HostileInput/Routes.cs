using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Roster.Infrastructure.Web;

namespace Roster.Tests.HostileInput;

/// <summary>One route of the running app with a method it answers, the body limit it carries, and whether it is a page.</summary>
public sealed record RouteUnderTest(string Method, string Route, long BodyLimit, bool IsPage)
{
    public bool IsApi => Route.StartsWith("/api/", StringComparison.Ordinal) && !Route.StartsWith("/api/docs", StringComparison.Ordinal);

    /// <summary>The route with every parameter filled: ids with a fresh GUID (or <paramref name="workspaceId"/> for the workspace), others with "x".</summary>
    public string Path(Guid? workspaceId = null) => Routes.Fill(Route, workspaceId);

    public override string ToString() => $"{Method} {Route}";
}

/// <summary>Every endpoint of the running app, read from its endpoint data source, so a new route is covered without editing a test.</summary>
public static partial class Routes
{
    public static IReadOnlyList<RouteUnderTest> List(IServiceProvider services)
    {
        var routes = new List<RouteUnderTest>();
        foreach (var endpoint in services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var route = "/" + (endpoint.RoutePattern.RawText ?? "").TrimStart('/');
            // Kestrel's limit is what a route without its own has.
            var limit = endpoint.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize ?? RequestBodies.ServerBytes;
            var isPage = endpoint.Metadata.GetMetadata<PageActionDescriptor>() is not null;
            var methods = isPage ? ["GET", "POST"] : endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            routes.AddRange(methods.Where(method => method != "HEAD").Select(method => new RouteUnderTest(method, route, limit, isPage)));
        }

        return routes.DistinctBy(route => (route.Method, route.Route)).ToList();
    }

    public static string Fill(string route, Guid? workspaceId) => Parameter().Replace(route, match =>
    {
        var name = match.Groups["name"].Value;
        if (match.Value.Contains("**", StringComparison.Ordinal) || match.Value.Contains('?', StringComparison.Ordinal) && !match.Value.Contains(':', StringComparison.Ordinal))
        {
            return "";
        }

        if (workspaceId is { } workspace && name is "id" or "workspaceId")
        {
            return workspace.ToString();
        }

        return match.Value.Contains(":guid", StringComparison.Ordinal) || name.EndsWith("Id", StringComparison.Ordinal) || name == "id"
            ? Guid.NewGuid().ToString()
            : match.Value.Contains(":int", StringComparison.Ordinal) ? "400" : "x";
    }).Replace("//", "/", StringComparison.Ordinal);

    [GeneratedRegex(@"\{\**(?<name>[^{}:=?*]+)[^{}]*\}")]
    private static partial Regex Parameter();
}
