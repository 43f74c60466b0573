using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Roster.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Roster.Tests.Browser;

/// <summary>What a person does on Roster's pages, in the words on the screen (labels and button names).</summary>
public static class Pages
{
    public const string Password = "a long and unusual passphrase 42";

    public static async Task SignUpAsync(IPage page, string name, string email)
    {
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync(name);
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign up", Exact = true }).ClickAsync();
    }

    public static async Task SignInAsync(IPage page, string email, string password = Password)
    {
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
    }

    /// <summary>Signs in from /login a user the test registered through the API, and waits for their first page.</summary>
    public static async Task SignInAsync(IPage page, TestUser user)
    {
        await page.GotoAsync("/login");
        await SignInAsync(page, user.Email, user.Password);
        await WaitForUrlAsync(page, new Regex("^(?!.*/login)"));
    }

    /// <summary>
    /// Waits until the page's address matches the glob (<c>**</c> any characters, <c>*</c> any but <c>/</c>), for up
    /// to 30 seconds. Not <see cref="IPage.WaitForURLAsync(string, PageWaitForURLOptions)"/>: it checks the address
    /// and then subscribes to the events that change it, on another thread than the one delivering them, and loses a
    /// navigation or a <c>load</c> that arrives in between (playwright-dotnet#3364). The assertion asks the browser
    /// instead, until the address matches.
    /// </summary>
    public static Task WaitForUrlAsync(IPage page, string glob) => WaitForUrlAsync(page, GlobRegex(glob));

    /// <summary>Waits until the page's address matches the pattern (searched, not anchored), for up to 30 seconds.</summary>
    public static Task WaitForUrlAsync(IPage page, Regex pattern) =>
        Expect(page).ToHaveURLAsync(pattern, new() { Timeout = 30_000 });

    private static Regex GlobRegex(string glob)
    {
        var pattern = new StringBuilder("^");
        for (var i = 0; i < glob.Length; i++)
        {
            if (glob[i] == '*' && i + 1 < glob.Length && glob[i + 1] == '*')
            {
                pattern.Append(".*");
                i++;
            }
            else
            {
                pattern.Append(glob[i] == '*' ? "[^/]*" : Regex.Escape(glob[i].ToString()));
            }
        }

        return new Regex(pattern.Append('$').ToString());
    }

    /// <summary>Opens Settings > Workspace from the account menu, which offers it in every state.</summary>
    public static async Task OpenSettingsFromAccountMenuAsync(IPage page)
    {
        await AccountMenu(page).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Workspace settings", Exact = true }).ClickAsync();
        await WaitForUrlAsync(page, "**/settings/workspace");
    }

    /// <summary>A section's link in the Settings navigation: Workspace, Members, Permission Management, API keys.</summary>
    public static ILocator SettingsSection(IPage page, string name) =>
        page.GetByRole(AriaRole.Navigation, new() { Name = "Settings sections" }).GetByRole(AriaRole.Link, new() { Name = name, Exact = true });

    /// <summary>
    /// The account menu's summary in the header. A summary has no ARIA role to find it by; its name is the person's
    /// name (what the screen shows) followed by a visually hidden "account menu".
    /// </summary>
    public static ILocator AccountMenu(IPage page) =>
        page.GetByRole(AriaRole.Banner).Locator("summary").Filter(new() { HasText = "account menu" });

    /// <summary>The workspace switcher's summary in the header: the workspace's name, then a hidden "switch workspace".</summary>
    public static ILocator WorkspaceSwitcher(IPage page) =>
        page.GetByRole(AriaRole.Banner).Locator("summary").Filter(new() { HasText = "switch workspace" });

    /// <summary>A menu card's first line when the permission may edit the menu.</summary>
    public const string FullAccess = "You can view, create, edit and delete";

    /// <summary>A menu card's line for the data-download grant.</summary>
    public const string RawDataAccess = "You can download its raw data";

    /// <summary>A menu card's line for the data-read grant.</summary>
    public const string DataStatusAccess = "You can see its data-collection status";

    /// <summary>
    /// The lines of one menu's card on the dashboard that say, in words, what the person may do there: first the
    /// screens (<see cref="FullAccess"/>, "Read only", "No access"), then the data.
    /// </summary>
    public static ILocator GrantsOn(IPage page, string menu) =>
        page.GetByRole(AriaRole.List, new() { Name = $"Your access to {menu}", Exact = true }).GetByRole(AriaRole.Listitem);

    /// <summary>A table row that contains the text (a member's email, a permission's name).</summary>
    public static ILocator Row(IPage page, string text) =>
        page.GetByRole(AriaRole.Main).GetByRole(AriaRole.Row).Filter(new() { HasText = text });

    /// <summary>Opens a confirmation dialog with its button, checks it with axe, then confirms with the dialog's own button.</summary>
    public static async Task ConfirmAsync(IPage page, ILocator opener, string dialogName, string confirmButton)
    {
        await opener.ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = dialogName, Exact = true });
        await Expect(dialog).ToBeVisibleAsync();
        await AccessibilityChecks.CheckAsync(page);
        await dialog.GetByRole(AriaRole.Button, new() { Name = confirmButton, Exact = true }).ClickAsync();
    }

    /// <summary>The error a page shows about the form just posted.</summary>
    public static ILocator PageError(IPage page) => page.GetByRole(AriaRole.Main).GetByRole(AriaRole.Alert).First;

    /// <summary>
    /// Signs up from /signup, opens the verification link from the email as the person would, confirms, and waits for the
    /// new workspace's dashboard; returns its id.
    /// </summary>
    public static async Task<Guid> SignUpWithNewWorkspaceAsync(RosterApp app, IPage page, string name, string email)
    {
        await page.GotoAsync("/signup");
        await SignUpAsync(page, name, email);
        await FinishSignUpAsync(app, page, email);
        await WaitForUrlAsync(page, "**/w/*");
        return Guid.Parse(new Uri(page.Url).Segments[^1]);
    }

    /// <summary>The text /signup shows once its form is accepted, whether or not the address had an account.</summary>
    public const string CheckYourEmail = "Check your email to finish";

    /// <summary>
    /// After the sign-up form: the page asks to check the email; opens the verification link of the email the app's
    /// mailbox received for <paramref name="email"/>, and presses the button (which signs in and continues).
    /// </summary>
    public static async Task FinishSignUpAsync(RosterApp app, IPage page, string email)
    {
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = CheckYourEmail })).ToBeVisibleAsync();
        var message = await app.Mailbox.WaitForMessageAsync(email, TestUsers.IsVerificationEmail);
        await ConfirmFromLinkAsync(page, Mailbox.FirstLink(message));
    }

    /// <summary>
    /// On an invitation's page that asks for a verified address: presses "Send the verification email again", then opens
    /// the new email's link, which must carry the invitation (<c>invite=</c>), and presses its button.
    /// </summary>
    public static async Task VerifyFromInvitationPageAsync(RosterApp app, IPage page, string email)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "Send the verification email again" }).ClickAsync();
        await Expect(Notice(page)).ToHaveTextAsync($"We sent a verification link to {email}.");
        var resent = await app.Mailbox.WaitForMessageAsync(
            email, message => TestUsers.IsVerificationEmail(message) && Mailbox.FirstLink(message).Query.Contains("invite=", StringComparison.Ordinal));
        await ConfirmFromLinkAsync(page, Mailbox.FirstLink(resent));
    }

    /// <summary>Opens a verification link and presses its button, as the person would.</summary>
    public static async Task ConfirmFromLinkAsync(IPage page, Uri link)
    {
        await page.GotoAsync(link.PathAndQuery);
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify my email" }).ClickAsync();
    }

    /// <summary>In the open popup, picks a permission and copies a link; checks the popup with axe; returns the link.</summary>
    public static async Task<string> CopyInvitationLinkAsync(IPage page, string permission)
    {
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Invite to Workspace" });
        await Expect(dialog).ToBeVisibleAsync();
        await dialog.GetByLabel("Permission").SelectOptionAsync(permission);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Copy Invitation Link" }).ClickAsync();
        var linkBox = dialog.GetByRole(AriaRole.Textbox, new() { Name = "Invitation link" });
        await Expect(linkBox).ToHaveValueAsync(new Regex("/invite/[A-Za-z0-9_-]{43}$"));
        await AccessibilityChecks.CheckAsync(page);
        return await linkBox.InputValueAsync();
    }

    public static ILocator Notice(IPage page) => page.GetByRole(AriaRole.Status).First;

    /// <summary>On <c>/login/email</c>: asks for a code and waits for "Check your email".</summary>
    public static async Task ContinueWithEmailAsync(IPage page, string email)
    {
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(email);
        await page.GetByRole(AriaRole.Button, new() { Name = "Email me a code" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Check your email" })).ToBeVisibleAsync();
    }

    /// <summary>On the code page: enters the emailed code and signs in.</summary>
    public static async Task EnterEmailCodeAsync(IPage page, string code)
    {
        await page.GetByLabel("Code", new() { Exact = true }).FillAsync(code);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
    }

    /// <summary>Where <see cref="ScreenshotAsync"/> writes: <c>artifacts/screenshots/</c> at the repository's root (gitignored).</summary>
    public static string ScreenshotFolder { get; } = Path.Combine(RepositoryFiles.Root, "artifacts", "screenshots");

    /// <summary>
    /// Saves a full-page PNG of what the page shows now as <c>artifacts/screenshots/{name}.png</c>, for a person to
    /// look at after the run (the layout tests check what can be checked; a screenshot shows the rest). Returns its path,
    /// or null in the PostgreSQL run: the pages look the same on either database, and the second run would only
    /// overwrite the first's pictures (a full-page capture and its PNG cost about a second of processor time each).
    /// </summary>
    public static async Task<string?> ScreenshotAsync(IPage page, string name)
    {
        if (TestDatabase.IsPostgreSql)
        {
            return null;
        }

        Directory.CreateDirectory(ScreenshotFolder);
        var path = Path.Combine(ScreenshotFolder, $"{name}.png");
        await page.ScreenshotAsync(new() { Path = path, FullPage = true, Animations = ScreenshotAnimations.Disabled });
        return path;
    }
}
