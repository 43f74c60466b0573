using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Security;

/// <summary>
/// Issue 11, class 5: requests that write the same row at the same moment answer what they did or 409, never 500.
/// The instance: a person creates workspaces while they sign in elsewhere, right and wrong passwords both (each attempt
/// writes the account's failed-attempt count under its concurrency stamp).
/// </summary>
public sealed class ConcurrentWriteTests(RosterApp app)
{
    private const int Rounds = 32;

    [Fact]
    public async Task CreateWorkspace_WhileSigningInElsewhereAgainAndAgain_NeverAnswersServerError()
    {
        var user = await TestUsers.RegisterAsync(app);

        // A first workspace before the race: a first sign-in through the page makes one for someone who has none, and
        // would, in the first round, make a workspace nobody asked the API for.
        var created = new List<Guid> { (await user.Client.CreateWorkspaceAsync()).Id };
        var failures = new List<string>();

        for (var round = 0; round < Rounds; round++)
        {
            var answers = await Task.WhenAll(
                CreateWorkspaceAsync(user, $"Round {round}"),
                SignInThroughApiAsync(user.Email, user.Password),
                SignInThroughPageAsync(user.Email, user.Password),

                // One wrong password a round, by either door: the right ones reset the count, so the account is
                // rarely locked (which would stop the writes this is about).
                round % 2 == 0 ? SignInThroughApiAsync(user.Email, "not-the-password") : SignInThroughPageAsync(user.Email, "not-the-password"));
            foreach (var answer in answers)
            {
                if ((int)answer.Status >= 500 || !answer.Expected)
                {
                    failures.Add($"round {round}: {answer.What} answered {(int)answer.Status}: {answer.Body}");
                }

                if (answer.Created is { } id)
                {
                    created.Add(id);
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        Assert.NotEmpty(created);
        // Each workspace answered 201 exists (and nothing else was made: the page sign-ins open an existing one).
        var workspaces = (await user.Client.GetMeAsync()).Workspaces.Select(w => w.Id).Order().ToList();
        Assert.Equal(created.Order().ToList(), workspaces);
    }

    [Fact]
    public async Task Permission_EditedTwiceAndDeletedTwiceAtOnce_OneDeleteWinsAndNothingAnswersServerError()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await app.CreateWorkspaceOnPlanAsync(admin, TestPlans.Enterprise);
        var failures = new List<string>();

        for (var round = 0; round < 16; round++)
        {
            var permission = await admin.Client.CreatePermissionAsync(workspace.Id, $"Analyst {round}", PermissionApi.OnEveryMenu("read-only"));
            var path = $"/api/v1/workspaces/{workspace.Id}/permissions/{permission.Id}";
            var edits = Enumerable.Range(0, 2).Select(edit => SendAsync(HttpMethod.Patch, path, JsonContent.Create(new { name = $"Reviewer {round}.{edit}" })));
            var deletes = Enumerable.Range(0, 2).Select(_ => SendAsync(HttpMethod.Delete, path, content: null));
            var answers = await Task.WhenAll(edits.Concat(deletes));

            failures.AddRange(answers.Take(2).Where(answer => answer.Status is not (HttpStatusCode.OK or HttpStatusCode.NotFound))
                .Select(answer => $"round {round}: an edit answered {(int)answer.Status}: {answer.Body}"));
            var deleted = answers.Skip(2).Select(answer => answer.Status).Order().ToList();
            if (!deleted.SequenceEqual([HttpStatusCode.NoContent, HttpStatusCode.NotFound]))
            {
                failures.Add($"round {round}: the deletes answered {string.Join(", ", answers.Skip(2).Select(answer => $"{(int)answer.Status} {answer.Body}"))}");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));

        async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpMethod method, string path, HttpContent? content)
        {
            using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = content };
            using var response = await admin.Client.SendAsync(request, TestContext.Current.CancellationToken);
            return (response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        }
    }

    [Fact]
    public async Task LinksAndPermissionsCreated_WhileTheWorkspaceIsDeleted_AnswerWhatTheyDidOrAClientError_NeverServerError()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var failures = new List<string>();
        for (var round = 0; round < 8; round++)
        {
            var workspace = await app.CreateWorkspaceOnPlanAsync(admin, TestPlans.Enterprise);
            var path = $"/api/v1/workspaces/{workspace.Id}";
            var creates = Enumerable.Range(0, 4).Select(i => i % 2 == 0
                ? admin.Client.PostAsJsonAsync($"{path}/invitation-links", new { permission = "Member" }, TestContext.Current.CancellationToken)
                : admin.Client.PostAsJsonAsync($"{path}/permissions", new { name = $"Analyst {i}", grants = PermissionApi.OnEveryMenu("read-only") }, TestContext.Current.CancellationToken));
            var answers = await Task.WhenAll(creates.Append(admin.Client.DeleteAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken)));
            foreach (var answer in answers)
            {
                using (answer)
                {
                    // A link read after the delete took the workspace's permissions finds no permission of that name (400).
                    if (answer.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.NoContent or HttpStatusCode.NotFound or HttpStatusCode.Conflict or HttpStatusCode.BadRequest))
                    {
                        failures.Add($"round {round}: {answer.RequestMessage!.Method} {answer.RequestMessage.RequestUri!.AbsolutePath} answered {(int)answer.StatusCode}: {await answer.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
                    }
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    /// <summary>
    /// Accepts of a link while its workspace is deleted: each accept joins (before the deletion, which then removes the
    /// membership) or finds the link or workspace gone, and the deletion succeeds. Neither waits on the other in a cycle:
    /// an accept takes the workspace's row before anything of the link's (its seat first), as the deletion does. Taking
    /// the seat after writing the membership (whose keys share-lock the link's row) let a deletion that had locked the
    /// workspace wait for that link while the accept waited for the workspace: a deadlock on PostgreSQL, answered 409.
    /// </summary>
    [Fact]
    public async Task Accepts_WhileTheWorkspaceIsDeleted_JoinOrFindItGone_AndTheDeletionIsNeverAConflict()
    {
        var cancel = TestContext.Current.CancellationToken;
        var admin = await TestUsers.RegisterAsync(app);
        var failures = new List<string>();
        for (var round = 0; round < 12; round++)
        {
            var workspace = await app.CreateWorkspaceOnPlanAsync(admin, TestPlans.Enterprise);
            var token = ApiClient.TokenOf(await admin.Client.CreateLinkAsync(workspace.Id, "Member"));
            var people = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => TestUsers.RegisterAsync(app)));
            var accepts = people.Select(person => person.Client.AcceptAsync(token));
            var deletion = admin.Client.DeleteAsync(new Uri($"/api/v1/workspaces/{workspace.Id}", UriKind.Relative), cancel);
            var answers = await Task.WhenAll(accepts.Append(deletion));
            foreach (var answer in answers)
            {
                using (answer)
                {
                    var isDeletion = answer.RequestMessage!.Method == HttpMethod.Delete;
                    var expected = isDeletion
                        ? answer.StatusCode == HttpStatusCode.NoContent
                        : answer.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound or HttpStatusCode.Gone;
                    if (!expected)
                    {
                        failures.Add($"round {round}: {answer.RequestMessage.Method} {answer.RequestMessage.RequestUri!.AbsolutePath} answered {(int)answer.StatusCode}: {await answer.Content.ReadAsStringAsync(cancel)}");
                    }
                }
            }

            // The deletion took every membership with it, including those that joined just before it.
            var left = await app.QueryAsync(db => db.Memberships.CountAsync(m => m.WorkspaceId == workspace.Id, cancel));
            if (left != 0)
            {
                failures.Add($"round {round}: {left} memberships outlived their workspace");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    private static async Task<Answer> CreateWorkspaceAsync(TestUser user, string name)
    {
        using var response = await user.Client.PostAsJsonAsync("/api/v1/workspaces", new { name }, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        if (response.StatusCode == HttpStatusCode.Created)
        {
            var workspace = await ApiClient.ReadAsync<Roster.Features.Workspaces.WorkspaceResponse>(response);
            return new Answer("create", response.StatusCode, body, Expected: true, workspace.Id);
        }

        var conflict = response.StatusCode == HttpStatusCode.Conflict && body.Contains("\"code\":\"request.conflict\"", StringComparison.Ordinal);
        return new Answer("create", response.StatusCode, body, conflict, Created: null);
    }

    /// <summary>
    /// Identity refuses a sign-in whose attempt count lost a race (401, as for a wrong password: no extra guesses for
    /// whoever races), so 200 and 401 are both expected here; a locked account answers 401 too.
    /// </summary>
    private async Task<Answer> SignInThroughApiAsync(string email, string password)
    {
        using var client = app.CreateHttpClient(new CookieContainer());
        using var response = await client.PostAsJsonAsync("/api/v1/auth/login?useCookies=true", new { email, password }, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var expected = response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Unauthorized;
        return new Answer("API sign-in", response.StatusCode, body, expected, Created: null);
    }

    /// <summary>The sign-in page: a redirect to the workspace, or the form again with its message (200).</summary>
    private async Task<Answer> SignInThroughPageAsync(string email, string password)
    {
        using var client = app.CreateHttpClient(new CookieContainer());
        var page = await client.GetStringAsync(new Uri("/login", UriKind.Relative), TestContext.Current.CancellationToken);
        var fields = TestUsers.HiddenFields(page);
        fields["Email"] = email;
        fields["Password"] = password;
        using var form = new FormUrlEncodedContent(fields);
        using var response = await client.PostAsync(new Uri("/login", UriKind.Relative), form, TestContext.Current.CancellationToken);
        var expected = response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.OK;
        return new Answer("page sign-in", response.StatusCode, response.Headers.Location?.ToString() ?? "", expected, Created: null);
    }

    private sealed record Answer(string What, HttpStatusCode Status, string Body, bool Expected, Guid? Created);
}
