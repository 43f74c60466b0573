using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Roster.Infrastructure.Email;
using Roster.Infrastructure.Web;

namespace Roster.Features.Accounts;

/// <summary>
/// The account emails: verification, password reset, and the notice sent when someone signs up with a taken address.
/// Each is queued (<see cref="OutgoingEmail"/>) and sent after the response, never inside the request's transaction: the
/// change it follows is saved first, a mail server's refusal cannot undo or half-write it, and the answer takes the same
/// time whether or not a message was sent (so it does not tell whether the address has an account).
/// </summary>
public sealed class AccountEmails(UserManager<User> users, OutgoingEmail outgoing, PublicUrls urls)
{
    /// <summary>
    /// Queues the verification link of the account's address: <c>/confirm-email?userId=&amp;code=</c> (and
    /// <c>&amp;invite=</c>, the invitation the person signed up through, joined once they confirm). Valid 2 hours
    /// (<c>DataProtectionTokenProviderOptions</c>) and until the account's security stamp changes.
    /// </summary>
    public async Task SendVerificationAsync(User user, string? invitationToken, CancellationToken cancellationToken)
    {
        var code = Encode(await users.GenerateEmailConfirmationTokenAsync(user));
        var invite = string.IsNullOrEmpty(invitationToken) ? "" : $"&invite={UrlEncoder.Default.Encode(invitationToken)}";

        // The link opens a page with a button: a mail scanner that follows it confirms nothing.
        var link = urls.Absolute($"/confirm-email?userId={user.Id}&code={code}{invite}");
        Send(user.Email!, "Verify your email address for Roster",
            "Confirm that this address is yours by opening this link:", link, "Verify email");
    }

    /// <summary>Queues a password reset link (<c>/reset-password?email=&amp;code=</c>), valid 2 hours and for one reset.</summary>
    public async Task SendPasswordResetAsync(User user, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var encodedCode = Encode(await users.GeneratePasswordResetTokenAsync(user));
        var link = urls.Absolute($"/reset-password?email={UrlEncoder.Default.Encode(user.Email!)}&code={encodedCode}");
        Send(user.Email!, "Reset your Roster password",
            "Someone asked to reset the password of your Roster account. If it was you, choose a new password here:", link, "Reset password");
    }

    /// <summary>
    /// Sent instead of an error when a sign-up names an address that already has an account, so the sign-up itself
    /// never confirms that the account exists. It links to sign-in and to the password reset.
    /// </summary>
    public Task SendAlreadyRegisteredAsync(string email, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var signIn = urls.Absolute("/login");
        var reset = urls.Absolute("/forgot-password");
        var text = "Someone tried to sign up to Roster with this address, which already has an account. If it was you, sign in; if you forgot your password, reset it. If it was not you, you can ignore this email.";
        var html = $"<p>{HtmlEncoder.Default.Encode(text)}</p><p><a href=\"{HtmlEncoder.Default.Encode(signIn)}\">Sign in</a></p>"
            + $"<p><a href=\"{HtmlEncoder.Default.Encode(reset)}\">Reset password</a></p>";
        outgoing.Enqueue(new EmailMessage(email, "You already have a Roster account", $"{text}\n\nSign in: {signIn}\nReset password: {reset}\n", html));
        return Task.CompletedTask;
    }

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

    private void Send(string to, string subject, string text, string link, string action)
    {
        var html = $"<p>{HtmlEncoder.Default.Encode(text)}</p><p><a href=\"{HtmlEncoder.Default.Encode(link)}\">{action}</a></p>";
        outgoing.Enqueue(new EmailMessage(to, subject, $"{text}\n\n{link}\n", html));
    }
}
