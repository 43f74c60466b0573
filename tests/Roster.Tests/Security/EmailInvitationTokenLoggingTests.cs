using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Security;

/// <summary>An email invitation's token, like a link's, never reaches the log: sending, the page, sign-in with it, the accept.</summary>
public sealed class EmailInvitationTokenLoggingTests(RosterApp app)
{
    [Fact]
    public async Task EmailInvitationLifecycle_WritesNoTokenToTheLog()
    {
        var probe = $"log-probe-{Guid.NewGuid():N}";
        app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Roster.Tests")
            .Log(LogLevel.Information, default, probe, null, (state, _) => state);
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await app.CreateWorkspaceOnPlanAsync(admin, TestPlans.Pro);
        var invitee = await EmailInvitationMail.RegisterVerifiedAsync(app);
        await admin.Client.InviteByEmailAsync(workspace.Id, "Member", invitee.Email);
        var token = await app.TokenSentToAsync(invitee.Email);
        var cancel = TestContext.Current.CancellationToken;

        using var preview = await app.CreateHttpClient().PreviewEmailInvitationAsync(token);
        using var page = await app.CreateHttpClient().GetAsync(new Uri($"/invite/email/{token}", UriKind.Relative), cancel);
        using var login = await app.CreateHttpClient().GetAsync(new Uri($"/login?invite=email%3A{token}", UriKind.Relative), cancel);
        using var accepted = await invitee.Client.AcceptEmailInvitationAsync(token);
        using var again = await invitee.Client.AcceptEmailInvitationAsync(token);

        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.Gone, again.StatusCode);
        var entries = app.Logs.Entries;
        Assert.Contains(entries, entry => entry.Contains(probe, StringComparison.Ordinal));
        Assert.DoesNotContain(entries, entry => entry.Contains(token, StringComparison.Ordinal));
    }
}
