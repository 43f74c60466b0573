using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Roster.Features.Audit;
using Roster.Features.EmailInvitations;
using Roster.Features.Invitations;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Api;

/// <summary>Email invitations (SPEC section 4, issue 8 part 4) through the API: sending, renewing, resending, revoking, accepting.</summary>
public sealed class EmailInvitationsApiTests(RosterApp app)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Send_BatchWithInvalidEntries_InvitesTheValidOnesAndListsEachInvalidOneWithItsReason()
    {
        var (admin, workspace) = await ProWorkspaceAsync();
        var first = TestUsers.NewEmail();
        var second = TestUsers.NewEmail();

        var answer = await admin.Client.InviteByEmailAsync(
            workspace.Id, "member", first, "not-an-address", second, "a..b@example.com", first.ToUpperInvariant(), " ");

        Assert.Equal([first, second], answer.Invited.Select(i => i.Email));
        Assert.All(answer.Invited, i => Assert.Equal(("Member", "pending", "queued"), (i.Permission, i.Status, i.Delivery.Status)));
        Assert.Empty(answer.Renewed);
        Assert.Empty(answer.AlreadyMembers);
        Assert.Equal(["not-an-address", "a..b@example.com"], answer.Invalid.Select(i => i.Email));
        Assert.All(answer.Invalid, i => Assert.Equal("Enter an email address such as name@example.com.", i.Reason));

        // One email each, through the outbox; one entry each in the audit log.
        var outboxed = await app.QueryAsync(db => db.OutboxMessages.AsNoTracking()
            .Where(m => m.Kind == EmailInvitationService.OutboxKind && (m.To == first || m.To == second)).ToListAsync(Cancel));
        Assert.Equal(2, outboxed.Count);
        Assert.All(outboxed, m => Assert.Contains(workspace.Name, m.Subject, StringComparison.Ordinal));
        var sent = (await app.AuditEntriesAsync(workspace.Id)).Where(e => e.Action == AuditActions.EmailInvitationSent).ToList();
        Assert.Equal(2, sent.Count);
        Assert.Equal(2, (await admin.Client.ListEmailInvitationsAsync(workspace.Id)).Count);
        Assert.NotEmpty(await app.TokenSentToAsync(first));
    }

    [Fact]
    public async Task Send_NoAddressTooManyOrUnknownPermission_AnswersValidationErrorsAndSendsNothing()
    {
        var (admin, workspace) = await ProWorkspaceAsync();

        using var none = await admin.Client.SendEmailInvitationsAsync(workspace.Id, "Member");
        using var tooMany = await admin.Client.SendEmailInvitationsAsync(workspace.Id, "Member", [.. Enumerable.Range(0, 51).Select(_ => TestUsers.NewEmail())]);
        using var unknownPermission = await admin.Client.SendEmailInvitationsAsync(workspace.Id, "Owner", TestUsers.NewEmail());

        await none.AssertValidationProblemAsync("emails");
        await tooMany.AssertValidationProblemAsync("emails");
        await unknownPermission.AssertValidationProblemAsync("permission");
        Assert.Empty(await admin.Client.ListEmailInvitationsAsync(workspace.Id));
    }

    [Fact]
    public async Task Send_OnAPlanWithoutEmailInvitations_AnswersFeatureLockedAndWritesNothing()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await app.CreateWorkspaceOnPlanAsync(admin, TestPlans.Free);
        var email = TestUsers.NewEmail();

        using var response = await admin.Client.SendEmailInvitationsAsync(workspace.Id, "Member", email);

        var problem = await response.AssertProblemAsync(HttpStatusCode.Forbidden, "plan.feature_locked");
        Assert.Contains("Pro", problem.ToString(), StringComparison.Ordinal);
        Assert.Empty(await admin.Client.ListEmailInvitationsAsync(workspace.Id));
        Assert.False(await app.QueryAsync(db => db.OutboxMessages.AnyAsync(m => m.To == email, Cancel)));
    }

    [Fact]
    public async Task Send_AnAddressWithAPendingInvitation_RenewsIt_NewTokenNewExpiry_AndTheOldLinkStopsWorking()
    {
        var (admin, workspace) = await ProWorkspaceAsync();
        var email = TestUsers.NewEmail();
        var first = (await admin.Client.InviteByEmailAsync(workspace.Id, "Viewer", email)).Invited.Single();
        var oldToken = await app.TokenSentToAsync(email);

        var again = await admin.Client.InviteByEmailAsync(workspace.Id, "Member", email.ToUpperInvariant());

        Assert.Empty(again.Invited);
        var renewed = Assert.Single(again.Renewed);
        Assert.Equal((first.Id, "Member"), (renewed.Id, renewed.Permission));
        Assert.True(renewed.ExpiresAt >= first.ExpiresAt);
        // The address keeps the spelling it was first invited with.
        var newToken = await app.TokenSentToAsync(email);
        Assert.NotEqual(oldToken, newToken);
        using var oldPreview = await app.CreateHttpClient().PreviewEmailInvitationAsync(oldToken);
        await oldPreview.AssertProblemAsync(HttpStatusCode.NotFound, "email_invitation.not_found");
        using var newPreview = await app.CreateHttpClient().PreviewEmailInvitationAsync(newToken);
        Assert.Equal(HttpStatusCode.OK, newPreview.StatusCode);
        Assert.Single(await admin.Client.ListEmailInvitationsAsync(workspace.Id));
    }

    [Fact]
    public async Task Send_AnAddressOfAMember_ReportsItBackAndInvitesTheOthers()
    {
        var (admin, workspace) = await ProWorkspaceAsync();
        var member = await TestUsers.JoinAsync(app, admin, workspace.Id, "Viewer");
        var other = TestUsers.NewEmail();

        var upper = member.Email.ToUpperInvariant();
        var answer = await admin.Client.InviteByEmailAsync(workspace.Id, "Member", upper, other, admin.Email);

        Assert.Equal([member.Email.ToUpperInvariant(), admin.Email], answer.AlreadyMembers);
        Assert.Equal(other, Assert.Single(answer.Invited).Email);
        // No invitation went to a member (the Admin does get the notice that the member joined: another kind).
        Assert.False(await app.QueryAsync(db => db.OutboxMessages.AnyAsync(
            m => m.Kind == Roster.Features.EmailInvitations.EmailInvitationService.OutboxKind && (m.To == upper || m.To == admin.Email), Cancel)));
    }

    [Fact]
    public async Task Accept_ByTheVerifiedAccountOfTheAddress_JoinsWithThePermission_Once()
    {
        var (admin, workspace) = await ProWorkspaceAsync();
        var invitee = await EmailInvitationMail.RegisterVerifiedAsync(app);
        await admin.Client.InviteByEmailAsync(workspace.Id, "Member", invitee.Email.ToUpperInvariant());
        var token = await app.TokenSentToAsync(invitee.Email.ToUpperInvariant());

        using var preview = await invitee.Client.PreviewEmailInvitationAsync(token);
        using var accepted = await invitee.Client.AcceptEmailInvitationAsync(token);
        using var again = await invitee.Client.AcceptEmailInvitationAsync(token);

        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        var joined = await ApiClient.ReadAsync<AcceptInvitationResponse>(accepted);
        Assert.Equal((workspace.Id, workspace.Name, "Member"), (joined.WorkspaceId, joined.WorkspaceName, joined.Permission));
        await again.AssertProblemAsync(HttpStatusCode.Gone, "email_invitation.used");
        var membership = (await admin.Client.ListMembersAsync(workspace.Id)).Single(m => m.UserId == invitee.Id);
        Assert.Equal(("Member", "email_invitation"), (membership.Permission, membership.Source));
        Assert.Empty(await admin.Client.ListEmailInvitationsAsync(workspace.Id));
        var accept = Assert.Single(await app.AuditEntriesAsync(workspace.Id), e => e.Action == AuditActions.InvitationAccepted);
        Assert.Equal((invitee.Id, EmailInvitationService.AuditTargetKind), (accept.ActorUserId, accept.TargetType));
    }

    [Fact]
    public async Task Accept_ByAnotherAccount_AnswersWrongAccountAndChangesNothing()
    {
        var (admin, workspace) = await ProWorkspaceAsync();
        var email = TestUsers.NewEmail();
        await admin.Client.InviteByEmailAsync(workspace.Id, "Member", email);
        var token = await app.TokenSentToAsync(email);
        var other = await EmailInvitationMail.RegisterVerifiedAsync(app);

        using var preview = await other.Client.PreviewEmailInvitationAsync(token);
        using var refused = await other.Client.AcceptEmailInvitationAsync(token);

        await preview.AssertProblemAsync(HttpStatusCode.Forbidden, "email_invitation.wrong_account");
        await refused.AssertProblemAsync(HttpStatusCode.Forbidden, "email_invitation.wrong_account");
        Assert.DoesNotContain(await admin.Client.ListMembersAsync(workspace.Id), m => m.UserId == other.Id);
        Assert.Equal("pending", Assert.Single(await admin.Client.ListEmailInvitationsAsync(workspace.Id)).Status);
        var refusal = Assert.Single(await app.AuditEntriesAsync(workspace.Id), e => e.Action == AuditActions.InvitationRefused);
        Assert.Equal("email_invitation.wrong_account", refusal.Reason);
    }

    [Fact]
    public async Task Accept_ByAnUnverifiedAccountOfTheAddress_AsksToVerifyFirst_ThenJoinsOnceVerified()
    {
        var (admin, workspace) = await ProWorkspaceAsync();
        var invitee = await TestUsers.RegisterAsync(app);
        await admin.Client.InviteByEmailAsync(workspace.Id, "Viewer", invitee.Email);
        var token = await app.TokenSentToAsync(invitee.Email);

        using var unverified = await invitee.Client.AcceptEmailInvitationAsync(token);
        await unverified.AssertProblemAsync(HttpStatusCode.Forbidden, "email_invitation.email_unverified");
        var verified = await TestUsers.ConfirmEmailAsync(app, invitee);
        using var accepted = await verified.Client.AcceptEmailInvitationAsync(token);

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal("Viewer", (await admin.Client.ListMembersAsync(workspace.Id)).Single(m => m.UserId == invitee.Id).Permission);
    }

    [Fact]
    public async Task Resend_GivesANewTokenAndExpiry_TheOldLinkStopsWorking()
    {
        var (admin, workspace) = await ProWorkspaceAsync();
        var invitee = await EmailInvitationMail.RegisterVerifiedAsync(app);
        var invitation = (await admin.Client.InviteByEmailAsync(workspace.Id, "Member", invitee.Email)).Invited.Single();
        var oldToken = await app.TokenSentToAsync(invitee.Email);

        using var resent = await admin.Client.PostAsync(
            new Uri($"/api/v1/workspaces/{workspace.Id}/email-invitations/{invitation.Id}/resend", UriKind.Relative), null, Cancel);

        var body = await ApiClient.ReadAsync<EmailInvitationResponse>(resent);
        Assert.Equal((invitation.Id, "pending"), (body.Id, body.Status));
        var newToken = await app.TokenSentToAsync(invitee.Email);
        Assert.NotEqual(oldToken, newToken);
        using var old = await invitee.Client.AcceptEmailInvitationAsync(oldToken);
        await old.AssertProblemAsync(HttpStatusCode.NotFound, "email_invitation.not_found");
        using var accepted = await invitee.Client.AcceptEmailInvitationAsync(newToken);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(2, (await app.AuditEntriesAsync(workspace.Id)).Count(e => e.Action == AuditActions.EmailInvitationSent));
    }

    [Fact]
    public async Task Revoke_TakesEffectAtOnce_AndResendOfARevokedOneIsRefused()
    {
        var (admin, workspace) = await ProWorkspaceAsync();
        var invitee = await EmailInvitationMail.RegisterVerifiedAsync(app);
        var invitation = (await admin.Client.InviteByEmailAsync(workspace.Id, "Member", invitee.Email)).Invited.Single();
        var token = await app.TokenSentToAsync(invitee.Email);
        var path = $"/api/v1/workspaces/{workspace.Id}/email-invitations/{invitation.Id}";

        using var revoked = await admin.Client.DeleteAsync(new Uri(path, UriKind.Relative), Cancel);
        using var accept = await invitee.Client.AcceptEmailInvitationAsync(token);
        using var resend = await admin.Client.PostAsync(new Uri(path + "/resend", UriKind.Relative), null, Cancel);
        using var revokedAgain = await admin.Client.DeleteAsync(new Uri(path, UriKind.Relative), Cancel);
        using var unknown = await admin.Client.DeleteAsync(new Uri($"/api/v1/workspaces/{workspace.Id}/email-invitations/{Guid.NewGuid()}", UriKind.Relative), Cancel);

        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        await accept.AssertProblemAsync(HttpStatusCode.Gone, "email_invitation.revoked");
        await resend.AssertProblemAsync(HttpStatusCode.Conflict, "email_invitation.not_pending");
        Assert.Equal(HttpStatusCode.NoContent, revokedAgain.StatusCode);
        await unknown.AssertProblemAsync(HttpStatusCode.NotFound, "email_invitation.not_found");
        Assert.Empty(await admin.Client.ListEmailInvitationsAsync(workspace.Id));
        Assert.Single(await app.AuditEntriesAsync(workspace.Id), e => e.Action == AuditActions.EmailInvitationRevoked);
        Assert.DoesNotContain(await admin.Client.ListMembersAsync(workspace.Id), m => m.UserId == invitee.Id);
    }

    [Fact]
    public async Task ManagingAnotherWorkspacesInvitation_AnswersNotFound()
    {
        var (admin, workspace) = await ProWorkspaceAsync();
        var (otherAdmin, otherWorkspace) = await ProWorkspaceAsync();
        var invitation = (await admin.Client.InviteByEmailAsync(workspace.Id, "Member", TestUsers.NewEmail())).Invited.Single();

        using var resend = await otherAdmin.Client.PostAsync(
            new Uri($"/api/v1/workspaces/{otherWorkspace.Id}/email-invitations/{invitation.Id}/resend", UriKind.Relative), null, Cancel);
        using var revoke = await otherAdmin.Client.DeleteAsync(
            new Uri($"/api/v1/workspaces/{otherWorkspace.Id}/email-invitations/{invitation.Id}", UriKind.Relative), Cancel);

        await resend.AssertProblemAsync(HttpStatusCode.NotFound, "email_invitation.not_found");
        await revoke.AssertProblemAsync(HttpStatusCode.NotFound, "email_invitation.not_found");
        Assert.Equal("pending", Assert.Single(await admin.Client.ListEmailInvitationsAsync(workspace.Id)).Status);
    }

    [Theory]
    [InlineData("short")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task PreviewAndAccept_UnknownToken_AnswerNotFound(string token)
    {
        var someone = await TestUsers.RegisterAsync(app);

        using var preview = await app.CreateHttpClient().PreviewEmailInvitationAsync(token);
        using var accept = await someone.Client.AcceptEmailInvitationAsync(token);

        await preview.AssertProblemAsync(HttpStatusCode.NotFound, "email_invitation.not_found");
        await accept.AssertProblemAsync(HttpStatusCode.NotFound, "email_invitation.not_found");
    }

    [Fact]
    public async Task Accept_WhenTheWorkspaceIsFull_AnswersMemberLimit_AndTheInvitationStaysUsable()
    {
        var (admin, workspace) = await ProWorkspaceAsync();
        var invitee = await EmailInvitationMail.RegisterVerifiedAsync(app);
        await admin.Client.InviteByEmailAsync(workspace.Id, "Member", invitee.Email);
        var token = await app.TokenSentToAsync(invitee.Email);
        await app.SetPlanAsync(workspace.Id, TestPlans.Free);
        var joined = new List<TestUser>();
        for (var i = 0; i < 4; i++)
        {
            joined.Add(await TestUsers.JoinAsync(app, admin, workspace.Id, "Viewer"));
        }

        using var full = await invitee.Client.AcceptEmailInvitationAsync(token);
        await full.AssertProblemAsync(HttpStatusCode.Conflict, "plan.member_limit_reached");
        Assert.Equal("pending", Assert.Single(await admin.Client.ListEmailInvitationsAsync(workspace.Id)).Status);

        using var removed = await admin.Client.DeleteAsync(new Uri($"/api/v1/workspaces/{workspace.Id}/members/{joined[0].Id}", UriKind.Relative), Cancel);
        await removed.EnsureSuccessAsync();
        using var accepted = await invitee.Client.AcceptEmailInvitationAsync(token);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task Accept_ManyAtOnce_MakesOneMembership()
    {
        var (admin, workspace) = await ProWorkspaceAsync();
        var invitee = await EmailInvitationMail.RegisterVerifiedAsync(app);
        await admin.Client.InviteByEmailAsync(workspace.Id, "Member", invitee.Email);
        var token = await app.TokenSentToAsync(invitee.Email);

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => invitee.Client.AcceptEmailInvitationAsync(token)));

        try
        {
            Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
            Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.True(
                r.StatusCode is HttpStatusCode.Gone or HttpStatusCode.Conflict, $"Answered {r.StatusCode}"));
            var workspaceNow = await app.QueryAsync(db => db.Workspaces.AsNoTracking().SingleAsync(w => w.Id == workspace.Id, Cancel));
            Assert.Equal(2, workspaceNow.MemberCount);
            Assert.Equal(2, (await admin.Client.ListMembersAsync(workspace.Id)).Count);
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }
    }

    [Fact]
    public async Task GetPageAndPreview_ChangeNothing()
    {
        var (admin, workspace) = await ProWorkspaceAsync();
        var invitee = await EmailInvitationMail.RegisterVerifiedAsync(app);
        await admin.Client.InviteByEmailAsync(workspace.Id, "Member", invitee.Email);
        var token = await app.TokenSentToAsync(invitee.Email);
        var entriesBefore = (await app.AuditEntriesAsync(workspace.Id)).Count;
        var browser = await CookieSession.SignInAsync(app, invitee);

        using var page = await browser.GetAsync(new Uri($"/invite/email/{token}", UriKind.Relative), Cancel);
        using var anonymousPage = await app.CreateHttpClient().GetAsync(new Uri($"/invite/email/{token}", UriKind.Relative), Cancel);
        using var preview = await invitee.Client.PreviewEmailInvitationAsync(token);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(HttpStatusCode.OK, anonymousPage.StatusCode);
        Assert.True(page.Headers.CacheControl?.NoStore, "Cache-Control: no-store");
        Assert.Equal("no-referrer", page.Headers.GetValues("Referrer-Policy").Single());
        var html = await page.Content.ReadAsStringAsync(Cancel);
        Assert.Contains($"Join {workspace.Name}", html, StringComparison.Ordinal);
        var body = await ApiClient.ReadAsync<EmailInvitationPreviewResponse>(preview);
        Assert.Equal((workspace.Id, invitee.Email, "Member"), (body.WorkspaceId, body.Email, body.Permission));
        Assert.Equal("pending", Assert.Single(await admin.Client.ListEmailInvitationsAsync(workspace.Id)).Status);
        Assert.Single(await admin.Client.ListMembersAsync(workspace.Id));
        Assert.Equal(entriesBefore, (await app.AuditEntriesAsync(workspace.Id)).Count);
    }

    [Fact]
    public async Task Page_SignedInAsAnotherAccount_SaysTheInvitationIsForAnotherAddressAndOffersToSwitch()
    {
        var (admin, workspace) = await ProWorkspaceAsync();
        var email = TestUsers.NewEmail();
        await admin.Client.InviteByEmailAsync(workspace.Id, "Member", email);
        var token = await app.TokenSentToAsync(email);
        var other = await EmailInvitationMail.RegisterVerifiedAsync(app);
        var browser = await CookieSession.SignInAsync(app, other);

        using var page = await browser.GetAsync(new Uri($"/invite/email/{token}", UriKind.Relative), Cancel);
        var html = await page.Content.ReadAsStringAsync(Cancel);
        using var form = new FormUrlEncodedContent(TestUsers.HiddenFields(html));
        using var join = await browser.PostAsync(new Uri($"/invite/email/{token}", UriKind.Relative), form, Cancel);

        Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
        Assert.Contains("This invitation is for another email address", html, StringComparison.Ordinal);
        Assert.Contains(email, html, StringComparison.Ordinal);
        Assert.Contains("Switch account", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, join.StatusCode);
        Assert.DoesNotContain(await admin.Client.ListMembersAsync(workspace.Id), m => m.UserId == other.Id);
    }

    [Fact]
    public async Task SignIn_ThroughTheInvitationPage_AcceptsItAndLandsInTheWorkspace()
    {
        var (admin, workspace) = await ProWorkspaceAsync();
        var invitee = await EmailInvitationMail.RegisterVerifiedAsync(app);
        await admin.Client.InviteByEmailAsync(workspace.Id, "Viewer", invitee.Email);
        var token = await app.TokenSentToAsync(invitee.Email);
        var browser = app.CreateHttpClient(new CookieContainer());
        var page = await browser.GetStringAsync(new Uri($"/invite/email/{token}", UriKind.Relative), Cancel);
        Assert.Contains("invite=email%3A", page, StringComparison.Ordinal);

        using var signedIn = await TestUsers.PostFormAsync(
            browser, $"/login?invite={Uri.EscapeDataString(EmailInvitationLinks.SignInValue(token))}", null,
            new() { ["Email"] = invitee.Email, ["Password"] = invitee.Password });

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal($"/w/{workspace.Id}", signedIn.Headers.Location?.OriginalString);
        Assert.Equal("Viewer", (await admin.Client.ListMembersAsync(workspace.Id)).Single(m => m.UserId == invitee.Id).Permission);
    }

    [Fact]
    public async Task DeletingTheWorkspace_DeletesItsInvitations()
    {
        var (admin, workspace) = await ProWorkspaceAsync();
        var email = TestUsers.NewEmail();
        await admin.Client.InviteByEmailAsync(workspace.Id, "Member", email);
        var token = await app.TokenSentToAsync(email);

        using var deleted = await admin.Client.DeleteAsync(new Uri($"/api/v1/workspaces/{workspace.Id}", UriKind.Relative), Cancel);
        await deleted.EnsureSuccessAsync();

        using var preview = await app.CreateHttpClient().PreviewEmailInvitationAsync(token);
        await preview.AssertProblemAsync(HttpStatusCode.NotFound, "email_invitation.not_found");
        Assert.False(await app.QueryAsync(db => db.EmailInvitations.AnyAsync(i => i.WorkspaceId == workspace.Id, Cancel)));
    }

    [Fact]
    public async Task Resend_ToSomeoneWhoJoinedAnotherWayMeanwhile_IsRefusedAndSendsNothing()
    {
        var (admin, workspace) = await ProWorkspaceAsync();
        var invitee = await EmailInvitationMail.RegisterVerifiedAsync(app);
        var invitation = (await admin.Client.InviteByEmailAsync(workspace.Id, "Member", invitee.Email)).Invited.Single();
        var link = await admin.Client.CreateLinkAsync(workspace.Id, "Viewer");
        using var joined = await invitee.Client.AcceptAsync(ApiClient.TokenOf(link));
        await joined.EnsureSuccessAsync();

        using var resent = await admin.Client.PostAsync(
            new Uri($"/api/v1/workspaces/{workspace.Id}/email-invitations/{invitation.Id}/resend", UriKind.Relative), null, Cancel);

        await resent.AssertProblemAsync(HttpStatusCode.Conflict, "email_invitation.not_pending");
        Assert.Equal(1, (await app.AuditEntriesAsync(workspace.Id)).Count(e => e.Action == AuditActions.EmailInvitationSent));
    }

    [Fact]
    public async Task List_IsPagedNewestFirst_WithACursorAndTheTotal()
    {
        var (admin, workspace) = await ProWorkspaceAsync();
        await admin.Client.InviteByEmailAsync(workspace.Id, "Member", TestUsers.NewEmail(), TestUsers.NewEmail(), TestUsers.NewEmail());
        var path = $"/api/v1/workspaces/{workspace.Id}/email-invitations";

        var first = await ApiClient.GetAsync<Roster.Infrastructure.Web.Page<EmailInvitationResponse>>(admin.Client, $"{path}?limit=2");
        var second = await ApiClient.GetAsync<Roster.Infrastructure.Web.Page<EmailInvitationResponse>>(admin.Client, $"{path}?limit=2&after={first.Next}");

        Assert.Equal((2, 3), (first.Items.Count, first.Total));
        Assert.NotNull(first.Next);
        Assert.Null(second.Next);
        Assert.Equal(3, first.Items.Concat(second.Items).Select(i => i.Id).Distinct().Count());
        using var badCursor = await admin.Client.GetAsync(new Uri($"{path}?after=nope", UriKind.Relative), Cancel);
        await badCursor.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task Send_OverTheSendersRateLimitInTheWorkspace_Answers429RateLimited()
    {
        await using var limited = await IsolatedApp.StartAsync(new Dictionary<string, string>
        {
            ["Roster:PublicUrl"] = "http://localhost",
            ["Roster:EmailInvitations:SendsPerWorkspacePerMinute"] = "2",
        });
        var client = limited.CreateClient();
        var email = TestUsers.NewEmail();
        using var registered = await client.PostAsJsonAsync("/api/v1/auth/register", new { email, password = TestUsers.Password }, Cancel);
        await registered.EnsureSuccessAsync();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", await TestUsers.AccessTokenAsync(client, email));
        var workspace = await client.CreateWorkspaceAsync();
        await using (var scope = limited.Services.CreateAsyncScope())
        {
            var catalog = scope.ServiceProvider.GetRequiredService<Roster.Features.Plans.PlanCatalog>();
            var moved = await scope.ServiceProvider.GetRequiredService<Roster.Features.Plans.PlanAssignment>()
                .ChangeAsync(Roster.Infrastructure.Authorization.Actor.Operator, workspace.Id, catalog.Find(TestPlans.Pro)!, Cancel);
            Assert.True(moved.IsSuccess);
        }

        // Sending and resending share one budget per sender and workspace, whichever door (API, popup, Settings) they use.
        var invited = (await client.InviteByEmailAsync(workspace.Id, "Member", TestUsers.NewEmail())).Invited.Single();
        using var second = await client.PostAsync(
            new Uri($"/api/v1/workspaces/{workspace.Id}/email-invitations/{invited.Id}/resend", UriKind.Relative), null, Cancel);
        using var third = await client.SendEmailInvitationsAsync(workspace.Id, "Member", TestUsers.NewEmail());
        using var fourth = await client.PostAsync(
            new Uri($"/api/v1/workspaces/{workspace.Id}/email-invitations/{invited.Id}/resend", UriKind.Relative), null, Cancel);

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        await third.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.NotNull(third.Headers.RetryAfter);
        await fourth.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.Single(await client.ListEmailInvitationsAsync(workspace.Id));
    }

    private async Task<(TestUser Admin, Roster.Features.Workspaces.WorkspaceResponse Workspace)> ProWorkspaceAsync()
    {
        var admin = await TestUsers.RegisterAsync(app);
        return (admin, await app.CreateWorkspaceOnPlanAsync(admin, TestPlans.Pro));
    }
}
