using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Security;

/// <summary>
/// How the authorization matrix's email-invitation rows (<see cref="AuthorizationMatrix"/>) prepare their calls: an
/// invitation of the scenario workspace for the Admin's rows, and one of a workspace of its own (a "lobby", on a plan with
/// email invitations) to an address no caller has, for the invited person's routes.
/// </summary>
public static class EmailInvitationMatrix
{
    /// <summary>An email invitation opened by an account that is not its address's: it says so (the token holder may see the workspace).</summary>
    public static readonly Outcome WrongAddress = new("403 email_invitation.wrong_account", 403, Refused: false, Code: "email_invitation.wrong_account");

    /// <summary>The same on the invitation's page: the page saying the invitation is for another address, with 403.</summary>
    public static readonly Outcome WrongAddressPage = new("403 page (another address)", 403, Refused: false);

    /// <summary>Resending an invitation of the scenario workspace: allowed, its address gets a second email.</summary>
    public static async Task<PreparedCall> Resend(AuthorizationScenario s, Caller caller)
    {
        var (id, email) = await FreshInvitationAsync(s);
        return Call(
            s.ApiClientOf(caller), HttpMethod.Post, $"{s.Api}/email-invitations/{id}/resend",
            async allowed => Assert.Equal(allowed ? 2 : 1, await EmailsToAsync(s, email)));
    }

    /// <summary>Revoking an invitation of the scenario workspace: allowed, it is revoked.</summary>
    public static async Task<PreparedCall> Revoke(AuthorizationScenario s, Caller caller)
    {
        var (id, _) = await FreshInvitationAsync(s);
        return Call(
            s.ApiClientOf(caller), HttpMethod.Delete, $"{s.Api}/email-invitations/{id}",
            async allowed => Assert.Equal(allowed, await s.App.QueryAsync(db => db.EmailInvitations.AnyAsync(i => i.Id == id && i.RevokedAt != null, TestContext.Current.CancellationToken))));
    }

    /// <summary>The preview of an invitation to an address no caller has.</summary>
    public static async Task<PreparedCall> Preview(AuthorizationScenario s, Caller caller)
    {
        var (_, token) = await FreshLobbyAsync(s);
        return Call(s.ApiClientOf(caller), HttpMethod.Get, $"/api/v1/email-invitations/{token}");
    }

    /// <summary>Accepting an invitation to an address no caller has: nobody joins.</summary>
    public static async Task<PreparedCall> Accept(AuthorizationScenario s, Caller caller)
    {
        var (lobby, token) = await FreshLobbyAsync(s);
        return Call(
            s.ApiClientOf(caller), HttpMethod.Post, $"/api/v1/email-invitations/{token}/accept",
            async _ => Assert.Equal(1, await s.MemberCountAsync(lobby)));
    }

    /// <summary>The invitation's page, opened by the caller's browser.</summary>
    public static async Task<PreparedCall> OpenPage(AuthorizationScenario s, Caller caller)
    {
        var (_, token) = await FreshLobbyAsync(s);
        return await s.PageCallAsync(s.PageClientOf(caller), HttpMethod.Get, $"/invite/email/{token}");
    }

    /// <summary>The page's Join button, posted by the caller's browser: nobody joins.</summary>
    public static async Task<PreparedCall> JoinOnThePage(AuthorizationScenario s, Caller caller)
    {
        var (lobby, token) = await FreshLobbyAsync(s);
        return await s.PageCallAsync(
            s.PageClientOf(caller), HttpMethod.Post, $"/invite/email/{token}",
            verify: async _ => Assert.Equal(1, await s.MemberCountAsync(lobby)));
    }

    /// <summary>Resend on Settings > Workspace: allowed, the address gets a second email.</summary>
    public static async Task<PreparedCall> ResendOnThePage(AuthorizationScenario s, Caller caller)
    {
        var (id, email) = await FreshInvitationAsync(s);
        return await s.PageCallAsync(
            s.PageClientOf(caller), HttpMethod.Post, $"{s.Pages}/settings/workspace", "ResendEmailInvitation", new Dictionary<string, string> { ["invitationId"] = id.ToString() },
            async allowed => Assert.Equal(allowed ? 2 : 1, await EmailsToAsync(s, email)));
    }

    /// <summary>Revoke on Settings > Workspace: allowed, the invitation is revoked.</summary>
    public static async Task<PreparedCall> RevokeOnThePage(AuthorizationScenario s, Caller caller)
    {
        var (id, _) = await FreshInvitationAsync(s);
        return await s.PageCallAsync(
            s.PageClientOf(caller), HttpMethod.Post, $"{s.Pages}/settings/workspace", "RevokeEmailInvitation", new Dictionary<string, string> { ["invitationId"] = id.ToString() },
            async allowed => Assert.Equal(allowed, await s.App.QueryAsync(db => db.EmailInvitations.AnyAsync(i => i.Id == id && i.RevokedAt != null, TestContext.Current.CancellationToken))));
    }

    private static PreparedCall Call(HttpClient client, HttpMethod method, string path, Func<bool, Task>? verify = null) =>
        new(client, new HttpRequestMessage(method, new Uri(path, UriKind.Relative)), verify);

    private static async Task<(Guid Id, string Email)> FreshInvitationAsync(AuthorizationScenario s)
    {
        var email = TestUsers.NewEmail();
        var sent = await s.Admin.Client.InviteByEmailAsync(s.Workspace.Id, "Viewer", email);
        return (sent.Invited.Single().Id, email);
    }

    private static async Task<(Guid Workspace, string Token)> FreshLobbyAsync(AuthorizationScenario s)
    {
        var lobby = await s.App.CreateWorkspaceOnPlanAsync(s.Outsider, TestPlans.Pro);
        var email = TestUsers.NewEmail();
        await s.Outsider.Client.InviteByEmailAsync(lobby.Id, "Viewer", email);
        return (lobby.Id, await s.App.TokenSentToAsync(email));
    }

    private static Task<int> EmailsToAsync(AuthorizationScenario s, string email) =>
        s.App.QueryAsync(db => db.OutboxMessages.CountAsync(m => m.To == email, TestContext.Current.CancellationToken));
}
