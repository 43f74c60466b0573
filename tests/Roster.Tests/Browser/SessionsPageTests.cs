using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Roster.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Roster.Tests.Browser;

/// <summary>
/// Account settings > Sessions in Chromium (issue 7, item 4): this device first, the others listed with an End button
/// that signs out that device only, and Sign out of all devices, which signs out every browser, this one included.
/// </summary>
public sealed class SessionsPageTests(RosterApp app, BrowserFixture browser)
{
    [Fact]
    public async Task Ending_another_session_from_the_list_signs_out_that_device_only()
    {
        var user = await TestUsers.RegisterAsync(app);
        await using var laptopContext = await browser.NewContextAsync(app.BaseAddress);
        await using var phoneContext = await browser.NewContextAsync(app.BaseAddress);
        var laptop = await laptopContext.NewPageAsync();
        var phone = await phoneContext.NewPageAsync();
        await Pages.SignInAsync(laptop, user);
        await Pages.SignInAsync(phone, user);

        await laptop.GotoAsync("/account/sessions");
        await Expect(laptop.GetByRole(AriaRole.Heading, new() { Name = "Sessions", Exact = true })).ToBeVisibleAsync();
        await Expect(laptop.GetByRole(AriaRole.Link, new() { Name = "Sessions", Exact = true })).ToHaveAttributeAsync("aria-current", "page");
        var thisDevice = laptop.GetByRole(AriaRole.Region, new() { Name = "This device" });
        await Expect(thisDevice).ToContainTextAsync("Chrome on Linux");
        await Expect(thisDevice).ToContainTextAsync("127.0.0.1");

        // The other sessions: the phone's browser and the API sign-in of the registration.
        var others = laptop.GetByRole(AriaRole.Region, new() { Name = "Other sessions table" });
        var phoneRow = others.GetByRole(AriaRole.Row).Filter(new() { HasText = "Chrome on Linux" });
        await Expect(phoneRow).ToHaveCountAsync(1);
        await Expect(others.GetByRole(AriaRole.Row).Filter(new() { HasText = "Unknown device" })).ToHaveCountAsync(1);
        await Pages.ScreenshotAsync(laptop, "account-sessions");

        await phoneRow.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^End session") }).ClickAsync();
        await Expect(Pages.Notice(laptop)).ToContainTextAsync("The session was ended.");
        await Expect(others.GetByRole(AriaRole.Row).Filter(new() { HasText = "Chrome on Linux" })).ToHaveCountAsync(0);

        // The phone is signed out on its next request; the laptop is not.
        await phone.GotoAsync("/account");
        await Pages.WaitForUrlAsync(phone, "**/login**");
        await laptop.GotoAsync("/account");
        await Expect(laptop.GetByRole(AriaRole.Heading, new() { Name = "Profile", Exact = true })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Sign_out_of_all_devices_signs_out_every_browser_this_one_too()
    {
        var user = await TestUsers.RegisterAsync(app);
        await using var laptopContext = await browser.NewContextAsync(app.BaseAddress);
        await using var phoneContext = await browser.NewContextAsync(app.BaseAddress);
        var laptop = await laptopContext.NewPageAsync();
        var phone = await phoneContext.NewPageAsync();
        await Pages.SignInAsync(laptop, user);
        await Pages.SignInAsync(phone, user);

        await laptop.GotoAsync("/account/sessions");
        await laptop.GetByRole(AriaRole.Button, new() { Name = "Sign out of all devices" }).ClickAsync();
        await Pages.WaitForUrlAsync(laptop, "**/login");
        await Expect(Pages.Notice(laptop)).ToContainTextAsync("You were signed out of all devices.");

        await laptop.GotoAsync("/account/sessions");
        await Pages.WaitForUrlAsync(laptop, "**/login**");
        await phone.GotoAsync("/account/sessions");
        await Pages.WaitForUrlAsync(phone, "**/login**");
        using var me = await user.Client.GetAsync(new Uri("/api/v1/me", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, me.StatusCode);
    }
}
