using System.Text;
using System.Text.Json;

namespace Roster.Tests.Fuzzing;

/// <summary>A parameter of an API operation: where it goes (<c>path</c>, <c>query</c>) and whether it is a GUID.</summary>
public sealed record ApiParameter(string Name, string In, bool IsGuid);

/// <summary>
/// One API operation as the app describes it: its method and route, its parameters and its JSON body's schema
/// (null: no body). <see cref="Documented"/> is false for an endpoint the app serves but leaves out of its OpenAPI
/// document: it is fuzzed all the same, with what its route tells.
/// </summary>
public sealed record ApiOperation(string Method, string Route, IReadOnlyList<ApiParameter> Parameters, JsonElement? BodySchema, bool Documented)
{
    /// <summary>The coverage key, as <see cref="Security.EndpointInventory.Key"/> writes it.</summary>
    public string Key => Security.EndpointInventory.Key(page: false, Method, Route, handler: null);
}

/// <summary>
/// The API's operations, read from the OpenAPI document the running app serves (paths, methods, parameters, request
/// body schemas), and the hostile requests made from them.
/// </summary>
public static partial class ApiCases
{
    private static readonly string[] Methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

    /// <summary>Content types a JSON route may be sent: bogus charsets, other media types, none, multipart.</summary>
    private static readonly string?[] ContentTypes =
    [
        "application/json; charset=bogus",
        "application/json; charset=utf-16",
        "application/json; charset=\"",
        "application/json; charset=utf-8; charset=latin1",
        "application/json;;;",
        "text/plain",
        "text/plain; charset=utf-8",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=fuzz",
        "multipart/form-data",
        "application/xml",
        "application/merge-patch+json",
        "*/*",
        "application/json, text/plain",
        "application/" + new string('j', 5_000),
        null,
    ];

    /// <summary>
    /// Reads the document, and adds the API endpoints of <paramref name="inventory"/> (the endpoint data sources) that the
    /// document leaves out, so that an endpoint hidden from the document is not hidden from the fuzzer.
    /// </summary>
    /// <param name="document">The OpenAPI 3 document (<c>/openapi/v1.json</c>).</param>
    /// <param name="inventory">Keys from <see cref="Security.EndpointInventory.ListAsync"/>.</param>
    public static IReadOnlyList<ApiOperation> Read(JsonElement document, IReadOnlyList<string> inventory)
    {
        var operations = new List<ApiOperation>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                if (!Methods.Contains(operation.Name.ToUpperInvariant()))
                {
                    continue;
                }

                var parameters = new List<ApiParameter>();
                if (operation.Value.TryGetProperty("parameters", out var list))
                {
                    foreach (var parameter in list.EnumerateArray())
                    {
                        var schema = parameter.TryGetProperty("schema", out var s) ? Resolve(document, s) : default;
                        var isGuid = schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("format", out var format) && format.GetString() == "uuid";
                        parameters.Add(new ApiParameter(parameter.GetProperty("name").GetString()!, parameter.GetProperty("in").GetString()!, isGuid));
                    }
                }

                JsonElement? body = null;
                if (operation.Value.TryGetProperty("requestBody", out var requestBody)
                    && requestBody.GetProperty("content").TryGetProperty("application/json", out var json)
                    && json.TryGetProperty("schema", out var bodySchema))
                {
                    body = bodySchema;
                }

                operations.Add(new ApiOperation(operation.Name.ToUpperInvariant(), path.Name, parameters, body, Documented: true));
            }
        }

        var documented = operations.Select(operation => operation.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var key in inventory.Where(key => !key.StartsWith("PAGE ", StringComparison.Ordinal) && !documented.Contains(key)))
        {
            var (method, route) = (key[..key.IndexOf(' ', StringComparison.Ordinal)], key[(key.IndexOf(' ', StringComparison.Ordinal) + 1)..]);
            var parameters = RouteParameter().Matches(route).Select(match => new ApiParameter(match.Groups[1].Value, "path", IsGuid: false)).ToList();
            // An undocumented endpoint's body is unknown: it is sent an object, and every body shape of the corpus.
            using var anyObject = JsonDocument.Parse("{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"}}}");
            operations.Add(new ApiOperation(method == "*" ? "POST" : method, route, parameters, method is "GET" or "DELETE" ? null : anyObject.RootElement.Clone(), Documented: false));
        }

        return operations;
    }

    /// <summary>Every hostile request of one operation, for one caller, and its valid request (category <c>baseline</c>).</summary>
    public static IEnumerable<FuzzRequest> For(ApiOperation operation, FuzzCaller caller, FuzzWorld world, JsonElement document)
    {
        var method = new HttpMethod(operation.Method);
        var path = FillPath(operation, world, replace: null, segment: null);
        var body = operation.BodySchema is { } schema ? Baseline(document, schema, "body", world, depth: 0) : null;
        FuzzRequest Request(string category, string detail, string? requestPath = null, Func<byte[]>? bytes = null, string? contentType = "application/json") =>
            new(operation.Key, caller, category, detail, method, requestPath ?? path, bytes ?? (body is null ? null : body.ToBytes), bytes is null && body is null ? null : contentType);

        yield return Request("baseline", "valid request");

        foreach (var parameter in operation.Parameters.Where(parameter => parameter.In == "path"))
        {
            foreach (var (name, segment) in HostileValues.PathSegments)
            {
                yield return Request($"path {{{parameter.Name}}}", name, FillPath(operation, world, parameter.Name, segment));
            }
        }

        foreach (var parameter in operation.Parameters.Where(parameter => parameter.In == "query"))
        {
            foreach (var value in HostileValues.Fields.Where(value => value.Form is { Length: <= 5_000 }))
            {
                yield return Request($"query {parameter.Name}", value.Name, $"{path}?{parameter.Name}={value.Form}");
            }

            yield return Request($"query {parameter.Name}", "repeated", $"{path}?{parameter.Name}=1&{parameter.Name}=2");
            yield return Request($"query {parameter.Name}", "no value", $"{path}?{parameter.Name}");
        }

        if (body is null)
        {
            // A body on a route that takes none.
            yield return Request("unexpected body", "JSON object", bytes: () => Encoding.UTF8.GetBytes("{\"name\":\"x\"}"));
            yield return Request("unexpected body", "1 MB", bytes: () => new byte[1_048_576], contentType: "application/octet-stream");
            yield break;
        }

        var baselineBytes = body.ToBytes();
        foreach (var contentType in ContentTypes)
        {
            var bytes = contentType switch
            {
                "application/x-www-form-urlencoded" => Encoding.UTF8.GetBytes("name=x&email=a%00b"),
                "multipart/form-data; boundary=fuzz" => Encoding.UTF8.GetBytes("--fuzz\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nx\r\n--fuzz--\r\n"),
                _ => baselineBytes,
            };
            yield return Request("content type", contentType ?? "(none)", bytes: () => bytes, contentType: contentType);
        }

        yield return Request("content type", "UTF-16 body, charset=utf-16", bytes: () => Encoding.Unicode.GetBytes(Encoding.UTF8.GetString(baselineBytes)), contentType: "application/json; charset=utf-16");

        foreach (var (name, bytes) in WholeBodies(baselineBytes))
        {
            yield return Request("body shape", name, bytes: () => bytes);
        }

        foreach (var slot in body.Slots())
        {
            foreach (var value in HostileValues.Fields)
            {
                yield return Request($"field {slot.Display}", value.Name, bytes: () => body.Replace(slot.Path, new JsonRaw(value.Json)).ToBytes());
            }

            // Every field gets one large value; a list gets every one of them (a list's length is where work before
            // limits hides: 100,000 domains deduplicated in quadratic time).
            foreach (var value in HostileValues.LargeJson)
            {
                var category = slot.Value is JsonArray ? $"large {slot.Display}: {value.Name}" : $"large {slot.Display}";
                yield return Request(category, value.Name, bytes: () => body.Replace(slot.Path, new JsonRaw(value.Json)).ToBytes());
            }

            if (slot.Path[^1] is string key)
            {
                var parent = slot.Path.Take(slot.Path.Count - 1).ToList();
                yield return Request($"field {slot.Display}", "duplicate key", bytes: () => body.Duplicate(parent, key, JsonRaw.Text("duplicate")).ToBytes());
                yield return Request($"field {slot.Display}", "missing", bytes: () => body.Replace(parent, Without((JsonObject)At(body, parent), key)).ToBytes());
            }
        }
    }

    /// <summary>
    /// Requests with the methods a route does not have (POST on a GET-only route, PUT anywhere), one route at a time:
    /// the coverage key is <c>ROUTE /api/...</c>.
    /// </summary>
    public static IEnumerable<FuzzRequest> UnknownMethods(IReadOnlyList<ApiOperation> operations, FuzzCaller caller, FuzzWorld world)
    {
        foreach (var route in operations.GroupBy(operation => operation.Route))
        {
            var path = FillPath(route.First(), world, replace: null, segment: null);
            foreach (var method in Methods.Except(route.Select(operation => operation.Method)))
            {
                yield return new FuzzRequest($"ROUTE {route.Key}", caller, "unknown method", method, new HttpMethod(method), path, () => "{}"u8.ToArray(), "application/json");
            }
        }
    }

    private static IEnumerable<(string Name, byte[] Bytes)> WholeBodies(byte[] baseline)
    {
        var text = Encoding.UTF8.GetString(baseline);
        yield return ("empty", []);
        yield return ("null", Encoding.UTF8.GetBytes("null"));
        yield return ("array for object", Encoding.UTF8.GetBytes("[" + text + "]"));
        yield return ("string for object", Encoding.UTF8.GetBytes("\"x\""));
        yield return ("number for object", Encoding.UTF8.GetBytes("1e400"));
        yield return ("truncated", Encoding.UTF8.GetBytes(text[..(text.Length / 2)]));
        yield return ("trailing garbage", Encoding.UTF8.GetBytes(text + "}x"));
        yield return ("trailing comma", Encoding.UTF8.GetBytes(text.TrimEnd('}') + ",}"));
        yield return ("comment", Encoding.UTF8.GetBytes("/* c */" + text));
        yield return ("byte order mark", [0xEF, 0xBB, 0xBF, .. baseline]);
        yield return ("invalid UTF-8 outside strings", [.. baseline, 0xFF, 0xFE]);
        yield return ("NUL bytes", [0, 0, 0, 0]);
        yield return ("10,000-deep array", Encoding.UTF8.GetBytes(new string('[', 10_000) + new string(']', 10_000)));
        yield return ("10,000-deep object", Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"a\":", 10_000)) + "1" + new string('}', 10_000)));
        yield return ("unknown member with a 10,000-deep array", Encoding.UTF8.GetBytes("{\"zz\":" + new string('[', 10_000) + new string(']', 10_000) + "," + text[1..]));
        yield return ("100,000-element array", Encoding.UTF8.GetBytes("[" + string.Join(',', Enumerable.Repeat(text, 1).Concat(Enumerable.Repeat("1", 99_999))) + "]"));
        yield return ("10,000 unknown members", Encoding.UTF8.GetBytes("{" + string.Join(',', Enumerable.Range(0, 10_000).Select(i => $"\"m{i}\":{i}")) + "," + text[1..]));
        yield return ("1 MB of whitespace", [.. Enumerable.Repeat((byte)' ', 1_048_576), .. baseline]);
        yield return ("10,000-digit number", Encoding.UTF8.GetBytes(new string('9', 10_000)));
    }

    private static JsonTemplate Baseline(JsonElement document, JsonElement schema, string name, FuzzWorld world, int depth)
    {
        schema = Resolve(document, schema);
        var type = TypeOf(schema);
        if (depth > 4)
        {
            return JsonRaw.Of("null");
        }

        switch (type)
        {
            case "object" when schema.TryGetProperty("properties", out var properties):
                return new JsonObject([.. properties.EnumerateObject().Select(property =>
                    new KeyValuePair<string, JsonTemplate>(property.Name, Baseline(document, property.Value, property.Name, world, depth + 1)))]);
            case "object" when schema.TryGetProperty("additionalProperties", out var values) && values.ValueKind == JsonValueKind.Object:
                // A dictionary: Roster's are keyed by menu (a permission's grants).
                return new JsonObject([new KeyValuePair<string, JsonTemplate>(world.MenuKey, Baseline(document, values, name, world, depth + 1))]);
            case "object":
                return new JsonObject([]);
            case "array":
                return new JsonArray(schema.TryGetProperty("items", out var items) ? [Baseline(document, items, name, world, depth + 1)] : []);
            case "integer" or "number":
                return JsonRaw.Of(world.Plausible(name, isGuid: false) is var number && long.TryParse(number, out _) ? number : "1");
            case "boolean":
                return JsonRaw.Of("false");
            default:
                var isGuid = schema.TryGetProperty("format", out var format) && format.GetString() == "uuid";
                return JsonRaw.Text(world.Plausible(name, isGuid));
        }
    }

    private static string TypeOf(JsonElement schema)
    {
        if (!schema.TryGetProperty("type", out var type))
        {
            return schema.TryGetProperty("properties", out _) ? "object" : "string";
        }

        if (type.ValueKind == JsonValueKind.String)
        {
            return type.GetString()!;
        }

        var types = type.EnumerateArray().Select(t => t.GetString()!).Where(t => t != "null").ToList();
        return types.Contains("integer") ? "integer" : types.FirstOrDefault() ?? "string";
    }

    private static JsonElement Resolve(JsonElement document, JsonElement schema)
    {
        while (schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("$ref", out var reference))
        {
            var name = reference.GetString()!.Split('/')[^1];
            schema = document.GetProperty("components").GetProperty("schemas").GetProperty(name);
        }

        return schema;
    }

    private static string FillPath(ApiOperation operation, FuzzWorld world, string? replace, string? segment) =>
        RouteParameter().Replace(operation.Route, match =>
        {
            var name = match.Groups[1].Value;
            if (name == replace)
            {
                return segment!;
            }

            var parameter = operation.Parameters.FirstOrDefault(p => p.Name == name);
            return Uri.EscapeDataString(world.Plausible(name, parameter?.IsGuid ?? false));
        });

    private static JsonTemplate At(JsonTemplate root, IReadOnlyList<object> path)
    {
        var node = root;
        foreach (var step in path)
        {
            node = (node, step) switch
            {
                (JsonObject obj, string key) => obj.Members.First(member => member.Key == key).Value,
                (JsonArray array, int index) => array.Items[index],
                _ => throw new InvalidOperationException("A path that does not fit the tree."),
            };
        }

        return node;
    }

    private static JsonObject Without(JsonObject obj, string key) => new([.. obj.Members.Where(member => member.Key != key)]);

    [System.Text.RegularExpressions.GeneratedRegex(@"\{([^{}:=?*]+)\}")]
    private static partial System.Text.RegularExpressions.Regex RouteParameter();
}
