using System.Net;
using Microsoft.EntityFrameworkCore;
using Roster.Features.Workspaces;
using Roster.Infrastructure.Email;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Api;

/// <summary>
/// Deleting a workspace tells its members by email (issue 8, part 5): each member but the one deleting it, through the
/// durable outbox in the deletion's transaction, delivered by the worker to the real SMTP server; no token in the message.
/// </summary>
public sealed class WorkspaceDeletionNoticeTests(RosterApp app)
{
    [Fact]
    public async Task Delete_EmailsEveryOtherMemberOnce_WithoutAnyToken_AndNotTheAdminWhoDeletedIt()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var name = $"Closing {Guid.NewGuid():N}"[..16];
        var workspace = await admin.Client.CreateWorkspaceAsync(name);
        var member = await TestUsers.JoinAsync(app, admin, workspace.Id, "Member");
        var viewer = await TestUsers.JoinAsync(app, admin, workspace.Id, "Viewer");
        var link = await admin.Client.CreateLinkAsync(workspace.Id, "Member");

        using var response = await admin.Client.DeleteAsync(new Uri($"/api/v1/workspaces/{workspace.Id}", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var toMember = await app.Mailbox.WaitForMessageAsync(member.Email, IsNotice(name));
        var toViewer = await app.Mailbox.WaitForMessageAsync(viewer.Email, IsNotice(name));
        Assert.Contains("You were in it as Member", toMember.TextBody, StringComparison.Ordinal);
        Assert.Contains("You were in it as Viewer", toViewer.TextBody, StringComparison.Ordinal);
        foreach (var notice in new[] { toMember, toViewer })
        {
            Assert.Contains(admin.Email, notice.TextBody, StringComparison.Ordinal);
            Assert.DoesNotContain(ApiClient.TokenOf(link), notice.TextBody + notice.HtmlBody, StringComparison.Ordinal);
            Assert.DoesNotContain(workspace.Id.ToString(), notice.TextBody + notice.HtmlBody, StringComparison.Ordinal);
        }

        var rows = await RowsAsync(name);
        Assert.Equal(2, rows.Count);
        Assert.All(rows, row => Assert.Equal(WorkspaceService.DeletedNoticeKind, row.Kind));
        Assert.Equal(new[] { member.Email, viewer.Email }.Order(StringComparer.Ordinal), rows.Select(row => row.To).Order(StringComparer.Ordinal));

        // Sent once each, and none to the Admin who deleted it.
        await Task.Delay(500, TestContext.Current.CancellationToken);
        Assert.Single(app.Mailbox.Messages, m => IsNotice(name)(m) && IsTo(m, member.Email));
        Assert.Single(app.Mailbox.Messages, m => IsNotice(name)(m) && IsTo(m, viewer.Email));
        Assert.DoesNotContain(app.Mailbox.Messages, m => IsNotice(name)(m) && IsTo(m, admin.Email));
    }

    [Fact]
    public async Task Delete_RefusedToANonAdmin_EmailsNobody()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var name = $"Staying {Guid.NewGuid():N}"[..16];
        var workspace = await admin.Client.CreateWorkspaceAsync(name);
        var member = await TestUsers.JoinAsync(app, admin, workspace.Id, "Member");

        using var response = await member.Client.DeleteAsync(new Uri($"/api/v1/workspaces/{workspace.Id}", UriKind.Relative), TestContext.Current.CancellationToken);

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "workspace.forbidden");
        Assert.Empty(await RowsAsync(name));
    }

    [Fact]
    public async Task Delete_OfAWorkspaceWithOnlyItsAdmin_AddsNoMessage()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var name = $"Alone {Guid.NewGuid():N}"[..14];
        var workspace = await admin.Client.CreateWorkspaceAsync(name);

        using var response = await admin.Client.DeleteAsync(new Uri($"/api/v1/workspaces/{workspace.Id}", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(await RowsAsync(name));
    }

    private static Func<MimeKit.MimeMessage, bool> IsNotice(string workspaceName) => message => message.Subject == $"{workspaceName} was deleted";

    private static bool IsTo(MimeKit.MimeMessage message, string email) =>
        message.To.Mailboxes.Any(to => string.Equals(to.Address, email, StringComparison.OrdinalIgnoreCase));

    private Task<List<OutboxMessage>> RowsAsync(string workspaceName) =>
        app.QueryAsync(db => db.OutboxMessages.AsNoTracking()
            .Where(m => m.Subject == $"{workspaceName} was deleted")
            .ToListAsync(TestContext.Current.CancellationToken));
}
