using System.Net;
using System.Text.Json;

namespace Roster.Tests.Infrastructure;

public static class Problems
{
    /// <summary>
    /// Asserts an RFC 9457 answer with the given status and stable <c>code</c>, and returns its body.
    /// </summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement.Clone();
        Assert.Equal((int)status, root.GetProperty("status").GetInt32());
        Assert.Equal(code, root.GetProperty("code").GetString());
        return root;
    }

    /// <summary>Asserts a validation problem that names exactly these fields under <c>errors</c>.</summary>
    public static async Task<JsonElement> AssertValidationProblemAsync(this HttpResponseMessage response, params string[] fields)
    {
        var root = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        var errors = root.GetProperty("errors");
        Assert.Equal(fields.Order(StringComparer.Ordinal), errors.EnumerateObject().Select(field => field.Name).Order(StringComparer.Ordinal));
        foreach (var field in errors.EnumerateObject())
        {
            Assert.Contains(field.Value.EnumerateArray(), message => !string.IsNullOrWhiteSpace(message.GetString()));
        }

        return root;
    }
}
