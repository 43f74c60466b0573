using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Security;

public sealed class TokenLoggingTests(RosterApp app)
{
    [Fact]
    public async Task InvitationLinkLifecycle_WritesNoTokenToTheLog()
    {
        var probe = $"log-probe-{Guid.NewGuid():N}";
        // Proves the recorder sees what the app logs, so an empty record cannot pass for a clean one.
        app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Roster.Tests")
            .Log(LogLevel.Information, default, probe, null, (state, _) => state);
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        var link = await admin.Client.CreateLinkAsync(workspace.Id, "Member");
        var token = ApiClient.TokenOf(link);
        var joiner = await TestUsers.RegisterAsync(app);

        using var preview = await app.CreateHttpClient().PreviewAsync(token);
        using var anonymousPage = await app.CreateHttpClient().GetAsync(new Uri($"/invite/{token}", UriKind.Relative), TestContext.Current.CancellationToken);
        using var signedInPage = await (await CookieSession.SignInAsync(app, joiner)).GetAsync(new Uri($"/invite/{token}", UriKind.Relative), TestContext.Current.CancellationToken);
        using var accepted = await joiner.Client.AcceptAsync(token);
        using var again = await joiner.Client.AcceptAsync(token);

        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        Assert.Equal(HttpStatusCode.OK, anonymousPage.StatusCode);
        Assert.Equal(HttpStatusCode.OK, signedInPage.StatusCode);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var entries = app.Logs.Entries;
        Assert.Contains(entries, entry => entry.Contains(probe, StringComparison.Ordinal));
        Assert.DoesNotContain(entries, entry => entry.Contains(token, StringComparison.Ordinal));
    }
}
