using System.Net;
using System.Net.Http.Json;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Security;

/// <summary>A password reset ends the sessions opened with the old password, bearer tokens included.</summary>
public sealed class SessionRevocationTests(RosterApp app)
{
    [Fact]
    public async Task ResetPassword_EndsTheOldBearerTokenOnItsNextRequest()
    {
        var user = await TestUsers.RegisterAsync(app);
        await TestUsers.ConfirmEmailAsync(app, user); // Identity's API sends reset codes to verified addresses only.
        await user.Client.GetMeAsync();
        var anonymous = app.CreateHttpClient();

        using var forgot = await anonymous.PostAsJsonAsync("/api/v1/auth/forgotPassword", new { email = user.Email }, TestContext.Current.CancellationToken);
        await forgot.EnsureSuccessAsync();
        var message = await app.Mailbox.WaitForMessageAsync(user.Email, m => m.Subject == "Reset your Roster password");
        var code = System.Web.HttpUtility.ParseQueryString(Mailbox.FirstLink(message).Query)["code"];
        using var reset = await anonymous.PostAsJsonAsync(
            "/api/v1/auth/resetPassword", new { email = user.Email, resetCode = code, newPassword = "a completely new passphrase 5" }, TestContext.Current.CancellationToken);
        await reset.EnsureSuccessAsync();

        using var afterReset = await user.Client.GetAsync(new Uri("/api/v1/me", UriKind.Relative), TestContext.Current.CancellationToken);
        await afterReset.AssertProblemAsync(HttpStatusCode.Unauthorized, "auth.required");
        var again = await TestUsers.LoginAsync(app, user.Email, "a completely new passphrase 5");
        Assert.Equal(user.Id, (await again.Client.GetMeAsync()).Id);
    }
}
