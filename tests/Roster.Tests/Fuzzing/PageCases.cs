using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Roster.Tests.Security;

namespace Roster.Tests.Fuzzing;

/// <summary>A form or query field a page handler binds: its name on the wire and its type.</summary>
public sealed record FormField(string Name, Type Type)
{
    public bool IsGuid => Nullable.GetUnderlyingType(Type) == typeof(Guid) || Type == typeof(Guid);
}

/// <summary>
/// The pages' hostile requests. Which handlers exist comes from <see cref="EndpointInventory"/> (the coverage keys);
/// what each one binds comes from the page's compiled descriptor, as model binding sees it: its handler method's
/// parameters and the page model's bound properties (only those with <c>SupportsGet</c> on a GET), a complex one
/// spelled out as <c>Input.Email</c>.
/// </summary>
public static partial class PageCases
{
    private const string FormType = "application/x-www-form-urlencoded";
    private const string TokenField = "__RequestVerificationToken";

    /// <summary>The fields of every page handler, by inventory key (<c>PAGE POST /w/{workspaceId}/settings/members?handler=Remove</c>).</summary>
    public static async Task<IReadOnlyDictionary<string, IReadOnlyList<FormField>>> FieldsAsync(IServiceProvider services)
    {
        var loader = services.GetRequiredService<PageLoader>();
        var fields = new Dictionary<string, IReadOnlyList<FormField>>(StringComparer.Ordinal);
        foreach (var endpoint in services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            if (endpoint.Metadata.GetMetadata<PageActionDescriptor>() is not { } page)
            {
                continue;
            }

            var route = EndpointInventory.NormalizeRoute(endpoint.RoutePattern.RawText ?? "");
            var routeValues = endpoint.RoutePattern.Parameters.Select(parameter => parameter.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var compiled = await loader.LoadAsync(page, endpoint.Metadata);
            foreach (var handler in compiled.HandlerMethods)
            {
                var isGet = handler.HttpMethod.Equals("GET", StringComparison.OrdinalIgnoreCase);
                var bound = new List<FormField>();
                foreach (var parameter in handler.Parameters.Where(parameter => parameter.ParameterType != typeof(CancellationToken)))
                {
                    var name = parameter.BindingInfo?.BinderModelName ?? parameter.Name;
                    if (!routeValues.Contains(name))
                    {
                        bound.AddRange(Spell(name, parameter.ParameterType));
                    }
                }

                foreach (var property in compiled.BoundProperties.OfType<PageBoundPropertyDescriptor>())
                {
                    var supportsGet = property.Property.GetCustomAttribute<BindPropertyAttribute>()?.SupportsGet ?? false;
                    var name = property.BindingInfo?.BinderModelName ?? property.Name;
                    if ((!isGet || supportsGet) && !routeValues.Contains(name))
                    {
                        bound.AddRange(Spell(name, property.ParameterType));
                    }
                }

                fields[EndpointInventory.Key(page: true, handler.HttpMethod.ToUpperInvariant(), route, handler.Name)] = bound;
            }
        }

        return fields;
    }

    /// <summary>Every hostile request of one page handler, for one caller, and its valid request (category <c>baseline</c>).</summary>
    /// <param name="key">An inventory key: <c>PAGE {method} {route}</c>, with <c>?handler={name}</c> for a named handler.</param>
    public static IEnumerable<FuzzRequest> For(string key, IReadOnlyList<FormField> fields, FuzzCaller caller, FuzzWorld world)
    {
        var (method, route, handler) = Parse(key);
        var path = FillPath(route, world, replace: null, segment: null);
        var handlerQuery = handler is null ? "" : $"handler={handler}";
        var values = fields.Select(field => (field.Name, Value: Uri.EscapeDataString(world.Plausible(field.Name, field.IsGuid)))).ToList();

        if (method == "GET")
        {
            string Get(string? query) => path + Query(handlerQuery, query);
            FuzzRequest GetRequest(string category, string detail, string? query) => new(key, caller, category, detail, HttpMethod.Get, Get(query));

            yield return GetRequest("baseline", "valid request", string.Join('&', values.Select(v => $"{v.Name}={v.Value}")));
            foreach (var field in fields)
            {
                foreach (var value in HostileValues.Fields.Where(value => value.Form is { Length: <= 5_000 }))
                {
                    yield return GetRequest($"query {field.Name}", value.Name, $"{field.Name}={value.Form}");
                }

                yield return GetRequest($"query {field.Name}", "repeated", $"{field.Name}=a&{field.Name}=b");
            }

            yield return GetRequest("handler", "unknown handler", "handler=Nope");
            yield return GetRequest("handler", "handler with NUL", "handler=Get%00");
            yield break;
        }

        var token = world.AntiforgeryToken(caller);
        var postPath = path + Query(handlerQuery, null);
        FuzzRequest Post(string category, string detail, Func<byte[]> body, string? contentType = FormType, string? requestPath = null) =>
            new(key, caller, category, detail, new HttpMethod(method), requestPath ?? postPath, body, contentType);
        byte[] Form(IEnumerable<(string Name, string Value)> pairs, bool withToken = true) =>
            Encoding.UTF8.GetBytes(string.Join('&', pairs.Concat(withToken ? [(TokenField, Uri.EscapeDataString(token))] : []).Select(pair => $"{pair.Item1}={pair.Item2}")));

        yield return Post("baseline", "valid form", () => Form(values));
        yield return Post("antiforgery", "no token", () => Form(values, withToken: false));
        yield return Post("antiforgery", "garbage token", () => Encoding.UTF8.GetBytes(string.Join('&', values.Select(v => $"{v.Name}={v.Value}").Append($"{TokenField}=x%00"))));
        foreach (var field in fields)
        {
            foreach (var value in HostileValues.Fields.Where(value => value.Form is not null))
            {
                yield return Post($"field {field.Name}", value.Name, () => Form(values.Select(v => v.Name == field.Name ? (v.Name, value.Form!) : v)));
            }

            yield return Post($"field {field.Name}", "missing", () => Form(values.Where(v => v.Name != field.Name)));
            yield return Post($"field {field.Name}", "repeated", () => Form(values.Concat([(field.Name, "again")])));
            yield return Post("large form", $"{field.Name}: 1 MB value", () => Form(values.Select(v => v.Name == field.Name ? (v.Name, new string('e', 1_048_576)) : v)));
        }

        yield return Post("large form", "10,000 fields", () => Form(values.Concat(Enumerable.Range(0, 10_000).Select(i => ($"f{i}", "1")))));
        yield return Post("large form", "100,000-char field name", () => Form(values.Append((new string('k', 100_000), "1"))));
        yield return Post("large form", "NUL in a field name", () => Form(values.Append(("a%00b", "1"))));
        yield return Post("large form", "invalid UTF-8 bytes", () => [.. Form(values), .. "&x="u8, 0xFF, 0xFE, 0xC0]);

        var multipart = new StringBuilder();
        foreach (var (name, value) in values.Append((TokenField, token)))
        {
            multipart.Append(CultureInfo.InvariantCulture, $"--fuzz\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{Uri.UnescapeDataString(value)}\r\n");
        }

        multipart.Append("--fuzz--\r\n");
        yield return Post("content type", "multipart/form-data", () => Encoding.UTF8.GetBytes(multipart.ToString()), "multipart/form-data; boundary=fuzz");
        yield return Post("content type", "multipart/form-data, no boundary", () => Form(values), "multipart/form-data");
        yield return Post("content type", "multipart with a NUL part name", () => Encoding.UTF8.GetBytes("--fuzz\r\nContent-Disposition: form-data; name=\"a\0b\"\r\n\r\nx\r\n--fuzz--\r\n"), "multipart/form-data; boundary=fuzz");
        yield return Post("content type", "form; charset=bogus", () => Form(values), FormType + "; charset=bogus");
        yield return Post("content type", "application/json", () => Encoding.UTF8.GetBytes("{\"name\":\"x\"}"), "application/json");
        yield return Post("content type", "text/plain", () => Form(values), "text/plain");
        yield return Post("content type", "(none)", () => Form(values), null);
        yield return Post("handler", "unknown handler", () => Form(values), requestPath: path + "?handler=Nope");
        yield return Post("handler", "handler with NUL", () => Form(values), requestPath: path + "?handler=a%00");
        yield return Post("handler", "5,000-char handler", () => Form(values), requestPath: path + "?handler=" + new string('h', 5_000));
        yield return Post("handler", "repeated handler", () => Form(values), requestPath: path + Query(handlerQuery, "handler=Nope"));
    }

    /// <summary>
    /// The route-level requests of the pages, one route at a time (coverage key <c>PAGE ROUTE /route</c>): methods the
    /// page has no handler for (PUT, PATCH, DELETE; POST where it has no unnamed POST handler), with a valid
    /// antiforgery token; and path tricks in each route value.
    /// </summary>
    public static IEnumerable<FuzzRequest> RouteCases(IEnumerable<string> pageKeys, FuzzCaller caller, FuzzWorld world)
    {
        var token = Uri.EscapeDataString(world.AntiforgeryToken(caller));
        foreach (var route in pageKeys.Select(Parse).GroupBy(page => page.Route))
        {
            var key = $"PAGE ROUTE {route.Key}";
            var path = FillPath(route.Key, world, replace: null, segment: null);
            var body = Encoding.UTF8.GetBytes($"{TokenField}={token}&name=x");
            var methods = new List<string> { "PUT", "PATCH", "DELETE", "OPTIONS" };
            if (!route.Any(page => page.Method == "POST" && page.Handler is null))
            {
                methods.Add("POST");
            }

            foreach (var method in methods)
            {
                yield return new FuzzRequest(key, caller, "unknown method", method, new HttpMethod(method), path, () => body, FormType);
            }

            foreach (Match parameter in RouteParameter().Matches(route.Key))
            {
                foreach (var (name, segment) in HostileValues.PathSegments)
                {
                    yield return new FuzzRequest(key, caller, $"path {{{parameter.Groups[1].Value}}}", name, HttpMethod.Get, FillPath(route.Key, world, parameter.Groups[1].Value, segment));
                }
            }
        }
    }

    /// <summary>(method, route, handler) of an inventory key.</summary>
    public static (string Method, string Route, string? Handler) Parse(string key)
    {
        var match = PageKey().Match(key);
        return match.Success
            ? (match.Groups["method"].Value, match.Groups["route"].Value, match.Groups["handler"].Success ? match.Groups["handler"].Value : null)
            : throw new InvalidOperationException($"Not a page key: {key}");
    }

    private static string Query(string first, string? second) =>
        (first, second) switch
        {
            ("", null or "") => "",
            ("", _) => "?" + second,
            (_, null or "") => "?" + first,
            _ => $"?{first}&{second}",
        };

    private static IEnumerable<FormField> Spell(string name, Type type)
    {
        var elementType = type.IsArray ? type.GetElementType() : type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>) ? type.GetGenericArguments()[0] : null;
        if (elementType is not null || type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || Nullable.GetUnderlyingType(type) is not null
            || type == typeof(Guid) || type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(DateOnly))
        {
            return [new FormField(name, elementType ?? type)];
        }

        return type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(property => property.CanWrite)
            .Select(property => new FormField($"{name}.{property.Name}", property.PropertyType));
    }

    private static string FillPath(string route, FuzzWorld world, string? replace, string? segment) =>
        RouteParameter().Replace(route, match => match.Groups[1].Value == replace ? segment! : Uri.EscapeDataString(world.Plausible(match.Groups[1].Value, isGuid: false)));

    [GeneratedRegex(@"^PAGE (?<method>[A-Z]+) (?<route>[^?]+)(\?handler=(?<handler>.+))?$")]
    private static partial Regex PageKey();

    [GeneratedRegex(@"\{([^{}:=?*]+)\}")]
    private static partial Regex RouteParameter();
}
