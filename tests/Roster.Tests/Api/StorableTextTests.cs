using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Roster.Features.Permissions;
using Roster.Features.Workspaces;
using Roster.Infrastructure.Data;
using Roster.Infrastructure.Text;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Api;

/// <summary>
/// Issue 11, class 4: text the database refuses. PostgreSQL's <c>text</c> refuses NUL, Npgsql refuses an unpaired
/// surrogate, and <c>varchar(n)</c> counts code points; SQLite stores all of it. Every such value is a field error at
/// the edge (400 <c>validation_failed</c> naming the JSON property or the query parameter) on both databases, and a
/// value exactly at a column's size, in emoji (two UTF-16 units, one character), is stored and read back.
/// </summary>
public sealed class StorableTextTests(RosterApp app)
{
    /// <summary>One character (U+1F600), two UTF-16 units: a length counted in units would be twice the database's.</summary>
    private const string Emoji = "\U0001F600";

    public static TheoryData<string, string> AnonymousAccountRoutes => new()
    {
        { "/api/v1/auth/register", "{\"email\":\"a\\u0000b@example.com\",\"password\":\"" + TestUsers.Password + "\"}" },
        { "/api/v1/auth/login", "{\"email\":\"a\\u0000b@example.com\",\"password\":\"" + TestUsers.Password + "\"}" },
        { "/api/v1/auth/login?useCookies=true", "{\"email\":\"a\\u0000b@example.com\",\"password\":\"" + TestUsers.Password + "\"}" },
        { "/api/v1/auth/forgot-password", "{\"email\":\"a\\u0000b@example.com\"}" },
        { "/api/v1/auth/resend-confirmation", "{\"email\":\"a\\u0000b@example.com\"}" },
        { "/api/v1/auth/reset-password", "{\"email\":\"a\\u0000b@example.com\",\"resetCode\":\"abc\",\"newPassword\":\"" + TestUsers.Password + "\"}" },
    };

    [Theory]
    [MemberData(nameof(AnonymousAccountRoutes))]
    public async Task AccountRoute_NulInEmail_AnswersFieldErrorOnEmail(string path, string body)
    {
        var client = app.CreateHttpClient();

        using var response = await client.PostJsonAsync(path, body);

        await response.AssertValidationProblemAsync("email");
        var emails = await app.QueryAsync(db => db.Users.Where(u => u.Email!.EndsWith("b@example.com")).Select(u => u.Email!).ToListAsync(TestContext.Current.CancellationToken));
        Assert.DoesNotContain(emails, email => email.Contains('\u0000', StringComparison.Ordinal));
    }

    [Fact]
    public async Task Login_NulAfterAnExistingAccountsEmail_AnswersAsForAnUnknownOne()
    {
        // The refusal depends on the text alone, never on whether an account exists.
        var user = await TestUsers.RegisterAsync(app);
        var client = app.CreateHttpClient();

        using var existing = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email + "\u0000", password = user.Password }, TestContext.Current.CancellationToken);
        using var unknown = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = TestUsers.NewEmail() + "\u0000", password = user.Password }, TestContext.Current.CancellationToken);

        var existingBody = await existing.AssertValidationProblemAsync("email");
        var unknownBody = await unknown.AssertValidationProblemAsync("email");
        Assert.Equal(existingBody.GetProperty("errors").ToString(), unknownBody.GetProperty("errors").ToString());
    }

    [Fact]
    public async Task Register_PasswordWithNul_AnswersFieldErrorOnPassword()
    {
        var client = app.CreateHttpClient();

        using var response = await client.PostAsJsonAsync("/api/v1/auth/register", new { email = TestUsers.NewEmail(), password = "password\u0000with-nul" }, TestContext.Current.CancellationToken);

        await response.AssertValidationProblemAsync("password");
    }

    [Fact]
    public async Task Register_EmailOfTheLongestDeliverableSize_IsStoredAndSignsIn_OneMore_IsAFieldError()
    {
        // An address is at most 254 characters (RFC 5321's 256-octet path less its angle brackets: EmailAddresses), within
        // Identity's 256-character Email and UserName columns; the address is its own user name.
        var atLimit = new string('a', 254 - "@example.com".Length - 32) + Guid.NewGuid().ToString("N") + "@example.com";
        Assert.Equal(254, atLimit.Length);
        var client = app.CreateHttpClient();

        using var tooLong = await client.PostAsJsonAsync("/api/v1/auth/register", new { email = "b" + atLimit, password = TestUsers.Password }, TestContext.Current.CancellationToken);
        await tooLong.AssertValidationProblemAsync("email");

        var user = await TestUsers.RegisterAsync(app, atLimit);
        Assert.Equal(atLimit, (await user.Client.GetMeAsync()).Email);
    }

    [Fact]
    public async Task CreateWorkspace_NulInName_AnswersFieldErrorAndCreatesNothing()
    {
        var user = await TestUsers.RegisterAsync(app);

        using var response = await user.Client.PostAsJsonAsync("/api/v1/workspaces", new { name = "Team\u0000A" }, TestContext.Current.CancellationToken);

        await response.AssertValidationProblemAsync("name");
        Assert.Empty((await user.Client.GetMeAsync()).Workspaces);
    }

    [Fact]
    public async Task RenameWorkspace_NulInName_AnswersFieldErrorAndKeepsTheName()
    {
        var user = await TestUsers.RegisterAsync(app);
        var workspace = await user.Client.CreateWorkspaceAsync("Before");

        using var response = await user.Client.PatchAsJsonAsync($"/api/v1/workspaces/{workspace.Id}", new { name = "After\u0000" }, TestContext.Current.CancellationToken);

        await response.AssertValidationProblemAsync("name");
        Assert.Equal("Before", Assert.Single((await user.Client.GetMeAsync()).Workspaces).Name);
    }

    [Theory]
    [InlineData("{\"name\":\"a\\ud800b\"}")]
    [InlineData("{\"name\":\"a\\udc00\"}")]
    [InlineData("{\"name\":\"\\ud83d\"}")]
    public async Task CreateWorkspace_UnpairedSurrogateInName_AnswersFieldError(string body)
    {
        var user = await TestUsers.RegisterAsync(app);

        using var response = await user.Client.PostJsonAsync("/api/v1/workspaces", body);

        await response.AssertValidationProblemAsync("name");
        Assert.Empty((await user.Client.GetMeAsync()).Workspaces);
    }

    [Fact]
    public async Task CreateWorkspace_SurrogateEncodedAsUtf8Bytes_AnswersFieldError()
    {
        // U+D800 written as UTF-8 (ED A0 80): bytes no UTF-8 text holds.
        var user = await TestUsers.RegisterAsync(app);
        byte[] body = [.. "{\"name\":\"a"u8, 0xED, 0xA0, 0x80, .. "\"}"u8];
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json");

        using var response = await user.Client.PostAsync(new Uri("/api/v1/workspaces", UriKind.Relative), content, TestContext.Current.CancellationToken);

        await response.AssertValidationProblemAsync("name");
    }

    [Fact]
    public async Task WorkspaceName_EightyEmoji_IsStoredOnEitherDatabase_EightyOne_IsAFieldError()
    {
        var user = await TestUsers.RegisterAsync(app);
        var atLimit = string.Concat(Enumerable.Repeat(Emoji, Workspace.NameMaxLength));
        Assert.Equal(2 * Workspace.NameMaxLength, atLimit.Length);

        using var tooLong = await user.Client.PostAsJsonAsync("/api/v1/workspaces", new { name = atLimit + Emoji }, TestContext.Current.CancellationToken);
        await tooLong.AssertValidationProblemAsync("name");

        var created = await user.Client.CreateWorkspaceAsync(atLimit);
        Assert.Equal(atLimit, created.Name);
        Assert.Equal(atLimit, await app.QueryAsync(db => db.Workspaces.Where(w => w.Id == created.Id).Select(w => w.Name).SingleAsync(TestContext.Current.CancellationToken)));

        using var renamedTooLong = await user.Client.PatchAsJsonAsync($"/api/v1/workspaces/{created.Id}", new { name = Emoji + atLimit }, TestContext.Current.CancellationToken);
        await renamedTooLong.AssertValidationProblemAsync("name");
        Assert.Equal(atLimit, Assert.Single((await user.Client.GetMeAsync()).Workspaces).Name);
    }

    [Fact]
    public async Task PermissionName_FiftyEmoji_IsStored_FiftyOne_IsAFieldError()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await app.CreateWorkspaceOnPlanAsync(admin, TestPlans.Enterprise);
        var atLimit = string.Concat(Enumerable.Repeat(Emoji, Permission.NameMaxLength));
        var grants = PermissionApi.OnEveryMenu("edit");

        using var tooLong = await admin.Client.PostAsJsonAsync($"/api/v1/workspaces/{workspace.Id}/permissions", new { name = atLimit + Emoji, grants }, TestContext.Current.CancellationToken);
        await tooLong.AssertValidationProblemAsync("name");

        var created = await admin.Client.CreatePermissionAsync(workspace.Id, atLimit, grants);
        Assert.Equal(atLimit, created.Name);
        Assert.Equal(atLimit, await app.QueryAsync(db => db.Permissions.Where(p => p.Id == created.Id).Select(p => p.Name).SingleAsync(TestContext.Current.CancellationToken)));
    }

    [Fact]
    public async Task ApiKeyName_EightyEmoji_IsStored_EightyOne_IsAFieldError()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await app.CreateWorkspaceOnPlanAsync(admin, TestPlans.Enterprise);
        var atLimit = string.Concat(Enumerable.Repeat(Emoji, Features.ApiKeys.ApiKey.NameMaxLength));

        using var tooLong = await admin.Client.PostAsJsonAsync($"/api/v1/workspaces/{workspace.Id}/api-keys", new { name = atLimit + Emoji }, TestContext.Current.CancellationToken);
        await tooLong.AssertValidationProblemAsync("name");

        var (id, _) = await admin.Client.CreateApiKeyAsync(workspace.Id, atLimit);
        Assert.Equal(atLimit, await app.QueryAsync(db => db.ApiKeys.Where(k => k.Id == id).Select(k => k.Name).SingleAsync(TestContext.Current.CancellationToken)));
    }

    [Fact]
    public async Task CreatePermission_NulInAGrantsMenuKey_AnswersFieldErrorOnGrants()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await app.CreateWorkspaceOnPlanAsync(admin, TestPlans.Enterprise);

        using var response = await admin.Client.PostJsonAsync($"/api/v1/workspaces/{workspace.Id}/permissions", "{\"name\":\"Editors\",\"grants\":{\"ab-test\\u0000\":[\"edit\"]}}");

        await response.AssertValidationProblemAsync("grants");
    }

    [Fact]
    public async Task CreateLink_NulInAnAllowedDomain_AnswersFieldErrorNamingTheItem()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();

        using var response = await admin.Client.PostAsJsonAsync(
            $"/api/v1/workspaces/{workspace.Id}/invitation-links",
            new { permission = "Member", allowedDomains = new[] { "example.com", "exa\u0000mple.org" } },
            TestContext.Current.CancellationToken);

        await response.AssertValidationProblemAsync("allowedDomains[1]");
        Assert.Empty(await admin.Client.ListLinksAsync(workspace.Id));
    }

    [Fact]
    public async Task CreateLink_DomainsLongerTogetherThanTheirColumn_AnswersFieldError()
    {
        // Twenty valid domains of 120 characters: each is allowed, but joined they exceed the 2,048-character column.
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        var domains = Enumerable.Range(0, 20).Select(i => $"{new string('a', 60)}.{new string('b', 45)}{i:D2}.example.com").ToArray();
        Assert.All(domains, domain => Assert.Equal(120, domain.Length));

        using var response = await admin.Client.PostAsJsonAsync(
            $"/api/v1/workspaces/{workspace.Id}/invitation-links", new { permission = "Member", allowedDomains = domains }, TestContext.Current.CancellationToken);

        await response.AssertValidationProblemAsync("allowedDomains");
        Assert.Empty(await admin.Client.ListLinksAsync(workspace.Id));
    }

    [Theory]
    [InlineData("members?q=a%00b", "q")]
    [InlineData("audit-log?actor=a%00b%40example.com", "actor")]
    [InlineData("audit-log?action=workspace.renamed%00", "action")]
    public async Task QueryValue_WithNul_AnswersFieldErrorNamingTheParameter(string pathAndQuery, string field)
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();

        using var response = await admin.Client.GetAsync(new Uri($"/api/v1/workspaces/{workspace.Id}/{pathAndQuery}", UriKind.Relative), TestContext.Current.CancellationToken);

        await response.AssertValidationProblemAsync(field);
    }

    [Fact]
    public async Task MemberSearch_HundredEmoji_IsASearch_HundredAndOne_IsAFieldError()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        var atLimit = Uri.EscapeDataString(string.Concat(Enumerable.Repeat(Emoji, 100)));

        using var search = await admin.Client.GetAsync(new Uri($"/api/v1/workspaces/{workspace.Id}/members?q={atLimit}", UriKind.Relative), TestContext.Current.CancellationToken);
        using var tooLong = await admin.Client.GetAsync(new Uri($"/api/v1/workspaces/{workspace.Id}/members?q={atLimit}{Uri.EscapeDataString(Emoji)}", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, search.StatusCode);
        await tooLong.AssertValidationProblemAsync("q");
    }

    [Fact]
    public async Task InvitationPreview_NulInTheToken_IsRefusedWithoutAServerError()
    {
        var client = app.CreateHttpClient();

        using var response = await client.GetAsync(new Uri("/api/v1/invitations/abc%00def", UriKind.Relative), TestContext.Current.CancellationToken);

        // Kestrel refuses a NUL in the path itself (400); were one to reach routing, the route-value check answers 400 too.
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task SurrogateEncodedInTheQuery_NeverReachesTheDatabaseAsAnUnpairedSurrogate()
    {
        // %ED%A0%80 is U+D800 in (invalid) UTF-8: the query's decoder turns it into U+FFFD, which is storable text.
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();

        using var response = await admin.Client.GetAsync(new Uri($"/api/v1/workspaces/{workspace.Id}/members?q=a%ED%A0%80", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    // Built in code: an attribute's string argument cannot hold an unpaired surrogate.
    public static TheoryData<string> TextPastTheEdge => new()
    {
        "a\u0000b",
        string.Concat(Enumerable.Repeat(Emoji, Workspace.NameMaxLength + 1)),
        "a" + '\ud800',
    };

    [Theory]
    [MemberData(nameof(TextPastTheEdge))]
    public async Task Database_GivenTextPastTheEdge_PostgreSqlRefusesIt_TheBackstopRecognisesIt_AndNothingIsHalfWritten(string name)
    {
        // What the edge exists for: SQLite stores this text and PostgreSQL refuses it. The backstop must recognise the
        // refusal, and the unit of work's transaction must leave nothing of it behind (the row saved before it included).
        var user = await TestUsers.RegisterAsync(app);
        var cancellationToken = TestContext.Current.CancellationToken;
        var now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var first = new Workspace("Written first", user.Id, now, TestPlans.Free);
        var refused = new Workspace(name, user.Id, now, TestPlans.Free);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RosterDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            db.Workspaces.Add(first);
            await db.SaveChangesAsync(cancellationToken);
            db.Workspaces.Add(refused);

            var error = await Record.ExceptionAsync(() => db.SaveChangesAsync(cancellationToken));

            if (TestDatabase.IsPostgreSql)
            {
                Assert.NotNull(error);
                Assert.True(StorableText.IsRefusedByDatabase(error), error.ToString());
            }
            else
            {
                Assert.Null(error);
            }

            // Never committed: disposing the transaction rolls it back, as a use case's does when its save throws.
        }

        Assert.False(await app.QueryAsync(db => db.Workspaces.AnyAsync(w => w.Id == first.Id || w.Id == refused.Id, cancellationToken)));
    }
}
