using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Roster.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Roster.Tests.Browser;

/// <summary>Sign-up rules, sign-in and sign-out, lockout, email verification and password reset, in Chromium.</summary>
public sealed class AccountFlowTests(RosterApp app, BrowserFixture browser)
{
    [Fact]
    public async Task Signup_refuses_a_common_password_and_a_short_one_with_form_errors()
    {
        await using var context = await browser.NewContextAsync(app.BaseAddress);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/signup");
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Pat");
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(TestUsers.NewEmail());
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync("password123");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign up" }).ClickAsync();
        await Expect(page.GetByText("This password is one of the most common passwords. Choose another.")).ToBeVisibleAsync();

        await page.GetByLabel("Password", new() { Exact = true }).FillAsync("short");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign up" }).ClickAsync();
        await Expect(page.GetByText("Passwords must be at least 8 characters.")).ToBeVisibleAsync();
        Assert.EndsWith("/signup", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_out_then_sign_in_opens_the_same_workspace_and_creates_no_second_one()
    {
        var email = TestUsers.NewEmail();
        await using var context = await browser.NewContextAsync(app.BaseAddress);
        var page = await context.NewPageAsync();
        var workspaceId = await Pages.SignUpWithNewWorkspaceAsync(app, page, "Sam Solo", email);

        await Pages.AccountMenu(page).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Pages.WaitForUrlAsync(page, "**/login");
        await page.GotoAsync($"/w/{workspaceId}");
        await Pages.WaitForUrlAsync(page, "**/login?ReturnUrl=*");

        await page.GotoAsync("/login");
        await Pages.SignInAsync(page, email);
        await Pages.WaitForUrlAsync(page, $"**/w/{workspaceId}");

        // Signed in, the sign-in and sign-up pages lead back to the dashboard.
        await page.GotoAsync("/signup");
        await Pages.WaitForUrlAsync(page, $"**/w/{workspaceId}");
        await Pages.WorkspaceSwitcher(page).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Your workspaces" }).GetByRole(AriaRole.Link)).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task Signing_up_from_a_sign_in_redirect_still_creates_the_first_workspace()
    {
        await using var context = await browser.NewContextAsync(app.BaseAddress);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await Pages.WaitForUrlAsync(page, "**/login?ReturnUrl=%2F");
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign up" }).ClickAsync();
        var email = TestUsers.NewEmail();
        await Pages.SignUpAsync(page, "Rae Redirected", email);
        await Pages.FinishSignUpAsync(app, page, email);

        await Pages.WaitForUrlAsync(page, "**/w/*");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Rae Redirected's Workspace" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Wrong_passwords_get_one_message_for_unknown_and_known_accounts_and_five_lock_the_account()
    {
        var email = TestUsers.NewEmail();
        await using var context = await browser.NewContextAsync(app.BaseAddress);
        var page = await context.NewPageAsync();
        await Pages.SignUpWithNewWorkspaceAsync(app, page, "Lou Locked", email);
        await context.ClearCookiesAsync();

        var failure = page.GetByText("Email or password is incorrect");
        await page.GotoAsync("/login");
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(TestUsers.NewEmail());
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync("not the password at all");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(failure).ToBeVisibleAsync();
        var unknownAccountText = await page.GetByRole(AriaRole.Alert).InnerTextAsync();

        for (var attempt = 0; attempt < 5; attempt++)
        {
            await page.GetByLabel("Email", new() { Exact = true }).FillAsync(email);
            await page.GetByLabel("Password", new() { Exact = true }).FillAsync("not the password at all");
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await Expect(failure).ToBeVisibleAsync();
            Assert.Equal(unknownAccountText, await page.GetByRole(AriaRole.Alert).InnerTextAsync());
        }

        // Locked: even the right password is refused now, with the same message.
        await Pages.SignInAsync(page, email);
        await Expect(failure).ToBeVisibleAsync();
        Assert.EndsWith("/login", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_verification_email_link_shows_a_button_and_only_the_button_verifies_signs_in_and_opens_the_workspace()
    {
        var email = TestUsers.NewEmail();
        await using var context = await browser.NewContextAsync(app.BaseAddress);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/signup");
        await Pages.SignUpAsync(page, "Val Verify", email);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = Pages.CheckYourEmail })).ToBeVisibleAsync();

        var message = await app.Mailbox.WaitForMessageAsync(email, m => m.Subject!.Contains("Verify", StringComparison.Ordinal));
        var link = Mailbox.FirstLink(message);
        await page.GotoAsync(link.PathAndQuery);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Verify my email" })).ToBeVisibleAsync();
        Assert.False((await app.FindUserAsync(email)).EmailConfirmed);

        await page.GetByRole(AriaRole.Button, new() { Name = "Verify my email" }).ClickAsync();
        await Pages.WaitForUrlAsync(page, "**/w/*");
        await Expect(Pages.Notice(page)).ToHaveTextAsync("Your email address is verified.");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Val Verify's Workspace", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "Confirm your email" })).ToHaveCountAsync(0);
        Assert.True((await app.FindUserAsync(email)).EmailConfirmed);
    }

    [Fact]
    public async Task Signing_up_with_an_address_that_has_an_account_answers_the_same_page_and_tells_its_owner()
    {
        var owner = await TestUsers.RegisterAsync(app);
        await using var context = await browser.NewContextAsync(app.BaseAddress);
        var page = await context.NewPageAsync();
        var answers = new List<string>();
        foreach (var email in new[] { TestUsers.NewEmail(), owner.Email })
        {
            await page.GotoAsync("/signup");
            await Pages.SignUpAsync(page, "Same Answer", email);
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = Pages.CheckYourEmail })).ToBeVisibleAsync();
            answers.Add((await page.GetByRole(AriaRole.Main).InnerTextAsync()).Replace(email, "EMAIL", StringComparison.Ordinal));
        }

        Assert.Equal(answers[0], answers[1]);
        Assert.EndsWith("/signup", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
        var notice = await app.Mailbox.WaitForMessageAsync(owner.Email, m => m.Subject == "You already have a Roster account");
        Assert.Contains("/forgot-password", notice.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forgotten_password_is_reset_from_the_emailed_link_without_revealing_accounts()
    {
        var email = TestUsers.NewEmail();
        await using var context = await browser.NewContextAsync(app.BaseAddress);
        var page = await context.NewPageAsync();
        await Pages.SignUpWithNewWorkspaceAsync(app, page, "Fay Forgetful", email);
        await context.ClearCookiesAsync();

        // An unknown address gets the same answer as a known one.
        foreach (var address in new[] { TestUsers.NewEmail(), email })
        {
            await page.GotoAsync("/login");
            await page.GetByRole(AriaRole.Link, new() { Name = "Forgot your password?" }).ClickAsync();
            await page.GetByLabel("Email", new() { Exact = true }).FillAsync(address);
            await page.GetByRole(AriaRole.Button, new() { Name = "Send reset link" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("If an account exists for that address");
        }

        var message = await app.Mailbox.WaitForMessageAsync(email, m => m.Subject!.Contains("Reset", StringComparison.Ordinal));
        await page.GotoAsync(Mailbox.FirstLink(message).PathAndQuery);
        await page.GetByLabel("New password").FillAsync("a brand new passphrase 77");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await Expect(Pages.Notice(page)).ToHaveTextAsync("Your password was changed. Sign in with the new one.");

        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync("a brand new passphrase 77");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Pages.WaitForUrlAsync(page, "**/w/*");
    }

    [Fact]
    public async Task Proving_an_address_someone_else_signed_up_with_shows_what_the_account_holds_and_who_else_is_Admin()
    {
        // A stranger signs up with this address through the API, builds a workspace and lets an accomplice in as Admin.
        var stranger = await TestUsers.RegisterAsync(app);
        var workspace = await stranger.Client.CreateWorkspaceAsync("Stranger's Team");
        var accomplice = await TestUsers.JoinAsync(app, stranger, workspace.Id, "Admin");
        await app.QueryAsync(db => db.Users.Where(u => u.Id == accomplice.Id)
            .ExecuteUpdateAsync(set => set.SetProperty(u => u.Name, "Accomplice Admin"), TestContext.Current.CancellationToken));

        // The address's owner resets the password from the emailed link.
        await using var context = await browser.NewContextAsync(app.BaseAddress);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/forgot-password");
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(stranger.Email);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send reset link" }).ClickAsync();
        var message = await app.Mailbox.WaitForMessageAsync(stranger.Email, m => m.Subject!.Contains("Reset", StringComparison.Ordinal));
        await page.GotoAsync(Mailbox.FirstLink(message).PathAndQuery);
        await page.GetByLabel("New password").FillAsync("the owners own passphrase 9");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();

        await Pages.WaitForUrlAsync(page, "**/account/proven*");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your email address is verified", Level = 1 })).ToBeVisibleAsync();
        var listed = page.GetByRole(AriaRole.Region, new() { Name = "Workspaces this account already belongs to" }).GetByRole(AriaRole.Listitem);
        await Expect(listed).ToHaveCountAsync(1);
        await Expect(listed).ToContainTextAsync("Stranger's Team");
        await Expect(listed).ToContainTextAsync("Other Admins: Accomplice Admin.");
        using (var strangersToken = await stranger.Client.GetAsync(new Uri("/api/v1/me", UriKind.Relative), TestContext.Current.CancellationToken))
        {
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, strangersToken.StatusCode);
        }

        await page.GetByRole(AriaRole.Link, new() { Name = "Continue" }).ClickAsync();
        await Pages.WaitForUrlAsync(page, $"**/w/{workspace.Id}");
    }
}
