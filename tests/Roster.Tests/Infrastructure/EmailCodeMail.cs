using System.Net.Http.Json;
using System.Text.RegularExpressions;
using MimeKit;

namespace Roster.Tests.Infrastructure;

/// <summary>Continue with email from a test: asks for a code on the API and reads the code and link from the real mail.</summary>
public static partial class EmailCodeMail
{
    public const string Subject = "Your Roster sign-in code";

    /// <summary>A code and link as mailed, with the challenge the API answered (null when asked from a page).</summary>
    public sealed record Sent(string Email, string Code, Uri Link, string? Challenge);

    /// <summary><c>POST /api/v1/auth/email-code</c>, then the mail it sent (one not seen before).</summary>
    public static async Task<Sent> RequestAsync(RosterApp app, string email, HttpClient? client = null)
    {
        client ??= app.CreateHttpClient();
        var before = CodesTo(app.Mailbox, email);
        using var response = await client.PostAsJsonAsync("/api/v1/auth/email-code", new { email }, TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<ChallengeBody>(TestContext.Current.CancellationToken);
        var (code, link) = await WaitForNewAsync(app.Mailbox, email, before);
        return new Sent(email, code, link, body!.Challenge);
    }

    /// <summary>The code and link of the first sign-in email to <paramref name="email"/> whose code is not in <paramref name="known"/>.</summary>
    public static async Task<(string Code, Uri Link)> WaitForNewAsync(Mailbox mailbox, string email, IReadOnlyCollection<string>? known = null)
    {
        var message = await mailbox.WaitForMessageAsync(email, m => m.Subject == Subject && !(known ?? []).Contains(CodeOf(m)));
        return (CodeOf(message), Mailbox.FirstLink(message));
    }

    /// <summary>The codes already mailed to the address.</summary>
    public static IReadOnlyCollection<string> CodesTo(Mailbox mailbox, string email) =>
        mailbox.Messages.Where(m => m.Subject == Subject && m.To.Mailboxes.Any(to => string.Equals(to.Address, email, StringComparison.OrdinalIgnoreCase)))
            .Select(CodeOf).ToHashSet();

    public static string CodeOf(MimeMessage message) =>
        CodePattern().Match(message.TextBody ?? "") is { Success: true } match ? match.Groups[1].Value : throw new InvalidOperationException("No code in the email.");

    /// <summary><c>POST /api/v1/auth/email-code/verify</c>.</summary>
    public static Task<HttpResponseMessage> VerifyAsync(HttpClient client, string email, string code, string? challenge) =>
        client.PostAsJsonAsync("/api/v1/auth/email-code/verify", new { email, code, challenge }, TestContext.Current.CancellationToken);

    /// <summary>A wrong code of the right shape (never the mailed one).</summary>
    public static string WrongCode(string code) => code == "00000000" ? "11111111" : "00000000";

    [GeneratedRegex(@"sign in to Roster is (\d{8})")]
    private static partial Regex CodePattern();

    private sealed record ChallengeBody(string Challenge, DateTimeOffset ExpiresAt);
}
