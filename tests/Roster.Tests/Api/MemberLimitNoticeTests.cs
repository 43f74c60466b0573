using System.Net;
using MimeKit;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Api;

/// <summary>
/// The Admins' email when someone could not join a full workspace (SPEC section 6): at most once a day, through the
/// real SMTP server, on an app whose clock the test moves.
/// </summary>
public sealed class MemberLimitNoticeTests(RosterAppWithFakeClock app) : IClassFixture<RosterAppWithFakeClock>
{
    [Fact]
    public async Task RefusedAccept_EmailsEveryAdminOnce_NotAgainTheSameDay_AndAgainADayLater()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync($"Full team {Guid.NewGuid():N}");
        var secondAdmin = await TestUsers.JoinAsync(app, admin, workspace.Id, "Admin");
        var member = await TestUsers.JoinAsync(app, admin, workspace.Id, "Member");
        await TestUsers.JoinAsync(app, admin, workspace.Id, "Viewer");
        await TestUsers.JoinAsync(app, admin, workspace.Id, "Viewer");
        var link = await admin.Client.CreateLinkAsync(workspace.Id, "Viewer");
        var token = ApiClient.TokenOf(link);
        var first = await TestUsers.RegisterAsync(app);
        var second = await TestUsers.RegisterAsync(app);

        using var refused = await first.Client.AcceptAsync(token);
        await refused.AssertProblemAsync(HttpStatusCode.Conflict, "plan.member_limit_reached");
        var notice = await app.Mailbox.WaitForMessageAsync(admin.Email, IsNotice(workspace.Name));
        await app.Mailbox.WaitForMessageAsync(secondAdmin.Email, IsNotice(workspace.Name));
        Assert.Contains(first.Email, notice.TextBody, StringComparison.Ordinal);
        Assert.Contains("5 of 5 members", notice.TextBody, StringComparison.Ordinal);
        Assert.Contains($"/w/{workspace.Id}/settings/plan", notice.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain(token, notice.TextBody + notice.HtmlBody, StringComparison.Ordinal);
        Assert.Empty(NoticesTo(member.Email, workspace.Name));

        // The same day, a second refusal (another person, another hour) tells nobody again.
        app.Clock.Advance(TimeSpan.FromHours(23));
        var secondAgain = await TestUsers.LoginAsync(app, second.Email);
        using var refusedAgain = await secondAgain.Client.AcceptAsync(token);
        await refusedAgain.AssertProblemAsync(HttpStatusCode.Conflict, "plan.member_limit_reached");
        Assert.Single(NoticesTo(admin.Email, workspace.Name));
        Assert.Single(NoticesTo(secondAdmin.Email, workspace.Name));

        // A day after the first notice, the next refusal tells them again.
        app.Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1));
        var secondLater = await TestUsers.LoginAsync(app, second.Email);
        using var refusedLater = await secondLater.Client.AcceptAsync(token);
        await refusedLater.AssertProblemAsync(HttpStatusCode.Conflict, "plan.member_limit_reached");
        await WaitForCountAsync(admin.Email, workspace.Name, 2);
        await WaitForCountAsync(secondAdmin.Email, workspace.Name, 2);
        Assert.Contains(second.Email, NoticesTo(admin.Email, workspace.Name)[1].TextBody, StringComparison.Ordinal);
    }

    private static Func<MimeMessage, bool> IsNotice(string workspaceName) =>
        message => message.Subject == $"Someone could not join {workspaceName}: its plan is full";

    private List<MimeMessage> NoticesTo(string email, string workspaceName) =>
        [.. app.Mailbox.Messages.Where(m => m.To.Mailboxes.Any(to => to.Address == email) && IsNotice(workspaceName)(m))];

    private async Task WaitForCountAsync(string email, string workspaceName, int count)
    {
        for (var attempt = 0; attempt < 100 && NoticesTo(email, workspaceName).Count < count; attempt++)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.Equal(count, NoticesTo(email, workspaceName).Count);
    }
}
