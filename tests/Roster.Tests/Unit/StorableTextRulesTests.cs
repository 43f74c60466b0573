using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Roster.Infrastructure.Text;

namespace Roster.Tests.Unit;

/// <summary>
/// The rules of storable text (what both databases store, lengths in code points) and the backstop's mapping of a
/// database's refusal to a 400, on the API and on pages.
/// </summary>
public sealed class StorableTextRulesTests
{
    // Built in code: an attribute's string argument cannot hold an unpaired surrogate (it is written to metadata as UTF-8).
    public static TheoryData<string, int?, bool> Texts => new()
    {
        { "plain", null, true },
        { "", null, true },
        { "a\u0000b", null, false },
        { "\u0000", null, false },
        { "a" + '\ud800' + "b", null, false },
        { "a" + '\udc00', null, false },
        { new string(['\ude00', '\ud83d']), null, false },
        { new string(['\ud83d']), null, false },
        { "\U0001F600", 1, true },
        { "\U0001F600\U0001F600", 1, false },
        { "abc", 3, true },
        { "abcd", 3, false },
        { "é", 1, true },
    };

    [Theory]
    [MemberData(nameof(Texts))]
    public void Problem_AcceptsExactlyWhatBothDatabasesStore(string value, int? maxLength, bool storable) =>
        Assert.Equal(storable, StorableText.Problem(value, maxLength) is null);

    [Fact]
    public void Length_CountsCodePointsAsPostgreSqlDoes()
    {
        Assert.Equal(3, StorableText.Length("a\U0001F600b"));
        Assert.Equal(0, StorableText.Length(""));
        Assert.Equal(1, StorableText.Length("\ud800"));
    }

    [Theory]
    [InlineData("\U0001F600\U0001F600\U0001F600", 2, "\U0001F600\U0001F600")]
    [InlineData("ab\U0001F600", 3, "ab\U0001F600")]
    [InlineData("ab\U0001F600c", 3, "ab\U0001F600")]
    [InlineData("abc", 5, "abc")]
    public void Truncate_NeverSplitsASurrogatePair(string text, int maxLength, string expected)
    {
        var truncated = StorableText.Truncate(text, maxLength);

        Assert.Equal(expected, truncated);
        Assert.Null(StorableText.Problem(truncated, maxLength));
    }

    [Theory]
    [InlineData("22021", true)]
    [InlineData("22P05", true)]
    [InlineData("22001", true)]
    [InlineData("23505", false)]
    [InlineData("40001", false)]
    public void IsRefusedByDatabase_RecognisesPostgreSqlsTextRefusals_ThroughEfCoresWrapper(string sqlState, bool refused)
    {
        var postgres = new PostgresException("refused", "ERROR", "ERROR", sqlState);

        Assert.Equal(refused, StorableText.IsRefusedByDatabase(postgres));
        Assert.Equal(refused, StorableText.IsRefusedByDatabase(new DbUpdateException("save failed", postgres)));
    }

    [Fact]
    public void IsRefusedByDatabase_RecognisesNpgsqlRefusingAnUnpairedSurrogate()
    {
        var encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        var refusal = Assert.ThrowsAny<EncoderFallbackException>(() => encoding.GetBytes("a\ud800"));

        Assert.True(StorableText.IsRefusedByDatabase(new InvalidOperationException("wrapped", refusal)));
        Assert.False(StorableText.IsRefusedByDatabase(new InvalidOperationException("unrelated")));
    }

    [Fact]
    public async Task ExceptionHandler_OnTheApi_AnswersADatabaseRefusalWith400ProblemJson()
    {
        var context = ApiContext("/api/v1/workspaces");
        var refusal = new DbUpdateException("save failed", new PostgresException("invalid byte sequence", "ERROR", "ERROR", "22021"));

        var handled = await Handler().TryHandleAsync(context, refusal, TestContext.Current.CancellationToken);

        Assert.True(handled);
        Assert.Equal(StatusCodes.Status400BadRequest, context.Response.StatusCode);
        Assert.Equal("request.unstorable_text", Body(context).GetProperty("code").GetString());
    }

    [Fact]
    public async Task ExceptionHandler_OnTheApi_AnswersABodysUnstorableStringAsAFieldError()
    {
        var context = ApiContext("/api/v1/auth/login");
        var refusal = Assert.Throws<UnstorableTextException>(() => JsonSerializer.Deserialize<EmailBody>("{\"email\":\"a\\u0000b\"}", JsonOptions()));
        var bad = new BadHttpRequestException("Failed to read parameter", refusal);

        var handled = await Handler().TryHandleAsync(context, bad, TestContext.Current.CancellationToken);

        Assert.True(handled);
        Assert.Equal(StatusCodes.Status400BadRequest, context.Response.StatusCode);
        var body = Body(context);
        Assert.Equal("validation_failed", body.GetProperty("code").GetString());
        Assert.True(body.GetProperty("errors").TryGetProperty("email", out _));
    }

    [Fact]
    public async Task ExceptionHandler_LeavesPagesAndOtherExceptionsAlone()
    {
        var refusal = new PostgresException("invalid byte sequence", "ERROR", "ERROR", "22021");

        Assert.False(await Handler().TryHandleAsync(ApiContext("/w/1/settings"), refusal, TestContext.Current.CancellationToken));
        Assert.False(await Handler().TryHandleAsync(ApiContext("/api/v1/workspaces"), new InvalidOperationException("a bug"), TestContext.Current.CancellationToken));
    }

    [Fact]
    public void JsonCheck_NamesTheNestedFieldByItsPath()
    {
        var refusal = Assert.Throws<UnstorableTextException>(() =>
            JsonSerializer.Deserialize<Batch>("{\"checks\":[{\"email\":\"ok\"},{\"email\":\"a\\u0000\"}]}", JsonOptions()));

        Assert.Equal("checks[1].email", refusal.FullField);
    }

    [Fact]
    public async Task PageFilter_TurnsADatabaseRefusalInAHandlerInto400_AndLeavesOtherExceptions()
    {
        var refused = await RunPageFilterAsync(new DbUpdateException("save failed", new PostgresException("value too long", "ERROR", "ERROR", "22001")));
        var bug = await RunPageFilterAsync(new InvalidOperationException("a bug"));

        Assert.True(refused.ExceptionHandled);
        Assert.Equal(StatusCodes.Status400BadRequest, Assert.IsType<StatusCodeResult>(refused.Result).StatusCode);
        Assert.False(bug.ExceptionHandled);
    }

    private static async Task<PageHandlerExecutedContext> RunPageFilterAsync(Exception exception)
    {
        var pageContext = new PageContext(new ActionContext(new DefaultHttpContext(), new RouteData(), new CompiledPageActionDescriptor()));
        var executing = new PageHandlerExecutingContext(pageContext, [], handlerMethod: null, new Dictionary<string, object?>(), new object());
        var executed = new PageHandlerExecutedContext(pageContext, [], handlerMethod: null, new object()) { Exception = exception };
        await new StorableTextPageFilter(NullLogger<StorableTextPageFilter>.Instance).OnPageHandlerExecutionAsync(executing, () => Task.FromResult(executed));
        return executed;
    }

    private static StorableTextExceptionHandler Handler() => new(NullLogger<StorableTextExceptionHandler>.Instance);

    private static JsonSerializerOptions JsonOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        StorableTextJson.Configure(options);
        return options;
    }

    private static DefaultHttpContext ApiContext(string path)
    {
        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Path = path;
        context.Response.Body = new MemoryStream();
        return context;
    }

    private static JsonElement Body(DefaultHttpContext context)
    {
        context.Response.Body.Position = 0;
        return JsonDocument.Parse(context.Response.Body).RootElement.Clone();
    }

    private sealed record EmailBody(string? Email);

    private sealed record Batch(IReadOnlyList<EmailBody>? Checks);
}
