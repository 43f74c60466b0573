using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Roster.Features.EmailInvitations;
using Roster.Infrastructure.Email;

namespace Roster.Tests.Infrastructure;

/// <summary>Email invitations from the test's side: sending through the API, and the link of the email an address got.</summary>
public static partial class EmailInvitationMail
{
    public static Task<HttpResponseMessage> SendEmailInvitationsAsync(this HttpClient client, Guid workspaceId, string permission, params string[] emails) =>
        client.PostAsJsonAsync($"/api/v1/workspaces/{workspaceId}/email-invitations", new { emails, permission }, TestContext.Current.CancellationToken);

    /// <summary>Invites the addresses and answers what happened to each; fails the test on an error answer.</summary>
    public static async Task<SendEmailInvitationsResponse> InviteByEmailAsync(this HttpClient client, Guid workspaceId, string permission, params string[] emails)
    {
        using var response = await client.SendEmailInvitationsAsync(workspaceId, permission, emails);
        await response.EnsureSuccessAsync();
        return await ApiClient.ReadAsync<SendEmailInvitationsResponse>(response);
    }

    public static async Task<List<EmailInvitationResponse>> ListEmailInvitationsAsync(this HttpClient client, Guid workspaceId) =>
        [.. (await ApiClient.GetAsync<Roster.Infrastructure.Web.Page<EmailInvitationResponse>>(client, $"/api/v1/workspaces/{workspaceId}/email-invitations")).Items];

    public static Task<HttpResponseMessage> AcceptEmailInvitationAsync(this HttpClient client, string token) =>
        client.PostAsync(new Uri($"/api/v1/email-invitations/{token}/accept", UriKind.Relative), null, TestContext.Current.CancellationToken);

    public static Task<HttpResponseMessage> PreviewEmailInvitationAsync(this HttpClient client, string token) =>
        client.GetAsync(new Uri($"/api/v1/email-invitations/{token}", UriKind.Relative), TestContext.Current.CancellationToken);

    /// <summary>
    /// The token of the newest invitation email to <paramref name="to"/>: read from its outbox row while the row still
    /// holds the body (decrypted as the worker would), else from the SMTP mailbox once the worker has delivered it.
    /// </summary>
    public static async Task<string> TokenSentToAsync(this RosterApp app, string to)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Roster.Infrastructure.Data.RosterDbContext>();
        var rows = await db.OutboxMessages.AsNoTracking()
            .Where(m => m.To == to && m.Kind == EmailInvitationService.OutboxKind)
            .OrderBy(m => m.CreatedAt).ThenBy(m => m.Id)
            .ToListAsync(TestContext.Current.CancellationToken);
        var row = rows.Count > 0 ? rows[^1] : throw new InvalidOperationException($"No invitation email to {to} in the outbox.");
        string body;
        if (row.ProtectedBody is not null)
        {
            body = scope.ServiceProvider.GetRequiredService<EmailOutbox>().Read(row).TextBody;
        }
        else
        {
            // Delivered: the newest of as many invitation emails as the outbox holds for the address.
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            List<MimeKit.MimeMessage> delivered;
            while ((delivered = [.. app.Mailbox.Messages.Where(m => m.To.Mailboxes.Any(box => box.Address == to) && TokenPattern().IsMatch(m.TextBody ?? ""))]).Count < rows.Count)
            {
                await Task.Delay(50, deadline.Token);
            }

            body = delivered[^1].TextBody ?? "";
        }

        return TokenPattern().Match(body) is { Success: true } match ? match.Groups["token"].Value
            : throw new InvalidOperationException("The invitation email has no /invite/email/ link.");
    }

    /// <summary>A registered account whose email is verified (through the emailed verification code).</summary>
    public static async Task<TestUser> RegisterVerifiedAsync(RosterApp app, string? email = null) =>
        await TestUsers.ConfirmEmailAsync(app, await TestUsers.RegisterAsync(app, email));

    [GeneratedRegex(@"/invite/email/(?<token>[A-Za-z0-9_-]{43})")]
    private static partial Regex TokenPattern();
}
