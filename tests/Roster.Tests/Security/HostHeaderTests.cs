using System.Net;
using System.Net.Http.Json;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Security;

/// <summary>Links in emails must not point wherever the requester's Host header says (password-reset poisoning).</summary>
public sealed class HostHeaderTests(RosterApp app)
{
    [Fact]
    public async Task ForgotPassword_ForgedHostHeader_EmailsNoLinkToThatHost()
    {
        var victim = await TestUsers.RegisterAsync(app);
        victim = await TestUsers.ConfirmEmailAsync(app, victim);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/forgot-password")
        {
            Content = JsonContent.Create(new { email = victim.Email }),
        };
        request.Headers.Host = "attacker.example";

        using var response = await app.CreateHttpClient().SendAsync(request, TestContext.Current.CancellationToken);

        // Refusing an unknown host (host filtering) is as good as ignoring it.
        if (response.StatusCode != HttpStatusCode.BadRequest)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var message = await app.Mailbox.WaitForMessageAsync(victim.Email, email => email.Subject == "Reset your Roster password");
            Assert.NotEqual("attacker.example", Mailbox.FirstLink(message).Host);
        }
    }
}
