using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Roster.Infrastructure.Email;
using Roster.Infrastructure.Web;

namespace Roster.Features.Accounts;

/// <summary>The account emails: verification, password reset, and the notice sent when someone signs up with a taken address.</summary>
public sealed class AccountEmails(UserManager<User> users, IMailer mailer, PublicUrls urls)
{
    public async Task SendVerificationAsync(User user, CancellationToken cancellationToken)
    {
        var code = Encode(await users.GenerateEmailConfirmationTokenAsync(user));
        // The link opens a page with a button: a mail scanner that follows it confirms nothing.
        var link = urls.Absolute($"/confirm-email?userId={user.Id}&code={code}");
        await SendAsync(user.Email!, "Verify your email address for Roster",
            "Confirm that this address is yours by opening this link:", link, "Verify email", cancellationToken);
    }

    public async Task SendPasswordResetAsync(User user, CancellationToken cancellationToken) =>
        await SendPasswordResetCodeAsync(user, Encode(await users.GeneratePasswordResetTokenAsync(user)), cancellationToken);

    public Task SendPasswordResetCodeAsync(User user, string encodedCode, CancellationToken cancellationToken)
    {
        var link = urls.Absolute($"/reset-password?email={UrlEncoder.Default.Encode(user.Email!)}&code={encodedCode}");
        return SendAsync(user.Email!, "Reset your Roster password",
            "Someone asked to reset the password of your Roster account. If it was you, choose a new password here:", link, "Reset password", cancellationToken);
    }

    /// <summary>
    /// Sent instead of an error when a sign-up names an address that already has an account, so the
    /// sign-up page itself never confirms that the account exists.
    /// </summary>
    public Task SendAlreadyRegisteredAsync(string email, CancellationToken cancellationToken) =>
        SendAsync(email, "You already have a Roster account",
            "Someone tried to sign up to Roster with this address, which already has an account. If it was you, sign in or reset your password:",
            urls.Absolute("/login"), "Sign in", cancellationToken);

    public static string Encode(string token) => WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(token));

    public static string? Decode(string? code)
    {
        try
        {
            return code is null ? null : Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(code));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private Task SendAsync(string to, string subject, string text, string link, string action, CancellationToken cancellationToken)
    {
        var html = $"<p>{HtmlEncoder.Default.Encode(text)}</p><p><a href=\"{HtmlEncoder.Default.Encode(link)}\">{action}</a></p>";
        return mailer.SendAsync(new EmailMessage(to, subject, $"{text}\n\n{link}\n", html), cancellationToken);
    }
}

/// <summary>
/// Identity's API endpoints (<c>/api/v1/auth/*</c>) send their emails through this. Their confirmation link
/// is a GET that changes state, so the verification email carries Roster's own page link instead. The
/// endpoints resolve this once, at start-up, so it reaches the request's scoped services per call.
/// </summary>
public sealed class IdentityEmailSender(IHttpContextAccessor httpContextAccessor) : IEmailSender<User>
{
    public Task SendConfirmationLinkAsync(User user, string email, string confirmationLink) =>
        Emails.SendVerificationAsync(user, CancellationToken.None);

    public Task SendPasswordResetLinkAsync(User user, string email, string resetLink) =>
        Emails.SendPasswordResetAsync(user, CancellationToken.None);

    public Task SendPasswordResetCodeAsync(User user, string email, string resetCode) =>
        Emails.SendPasswordResetCodeAsync(user, resetCode, CancellationToken.None);

    private AccountEmails Emails =>
        (httpContextAccessor.HttpContext ?? throw new InvalidOperationException("Identity emails are sent within a request."))
        .RequestServices.GetRequiredService<AccountEmails>();
}
