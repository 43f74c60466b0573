using System.Net;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Api;

/// <summary>An email invitation's 7 days, on an app whose clock the tests move. Each test signs in again after moving it.</summary>
public sealed class EmailInvitationExpiryTests(RosterAppWithFakeClock app) : IClassFixture<RosterAppWithFakeClock>
{
    [Fact]
    public async Task Accept_AfterSevenDays_AnswersExpired_AndAResendMakesItUsableAgainForSevenDays()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await app.CreateWorkspaceOnPlanAsync(admin, TestPlans.Pro);
        var invitee = await EmailInvitationMail.RegisterVerifiedAsync(app);
        var sentAt = app.Clock.GetUtcNow();
        var invitation = (await admin.Client.InviteByEmailAsync(workspace.Id, "Member", invitee.Email)).Invited.Single();
        var token = await app.TokenSentToAsync(invitee.Email);
        Times.AssertSameInstant(sentAt.AddDays(7), invitation.ExpiresAt);

        app.Clock.Advance(TimeSpan.FromDays(7));
        var inviteeLater = await TestUsers.LoginAsync(app, invitee.Email);
        var adminLater = await TestUsers.LoginAsync(app, admin.Email);
        using var expired = await inviteeLater.Client.AcceptEmailInvitationAsync(token);
        using var page = await app.CreateHttpClient().GetAsync(new Uri($"/invite/email/{token}", UriKind.Relative), TestContext.Current.CancellationToken);

        await expired.AssertProblemAsync(HttpStatusCode.Gone, "email_invitation.expired");
        Assert.Equal(HttpStatusCode.Gone, page.StatusCode);
        Assert.Contains("This invitation has expired", await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal("expired", Assert.Single(await adminLater.Client.ListEmailInvitationsAsync(workspace.Id)).Status);
        Assert.DoesNotContain(await adminLater.Client.ListMembersAsync(workspace.Id), m => m.UserId == invitee.Id);

        using var resent = await adminLater.Client.PostAsync(
            new Uri($"/api/v1/workspaces/{workspace.Id}/email-invitations/{invitation.Id}/resend", UriKind.Relative), null, TestContext.Current.CancellationToken);
        await resent.EnsureSuccessAsync();
        var fresh = await app.TokenSentToAsync(invitee.Email);
        using var accepted = await inviteeLater.Client.AcceptEmailInvitationAsync(fresh);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }
}
