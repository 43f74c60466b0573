using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using Roster.Features.EmailCodes;
using Roster.Tests.Browser;
using Roster.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;
using BrowserPages = Roster.Tests.Browser.Pages;

namespace Roster.Tests.EmailCodes;

/// <summary>The guess budget in Chromium, at the shipped budget: the person is told to wait, and the link still works.</summary>
public sealed class EmailCodeGuessBudgetBrowserTests(RosterApp app, BrowserFixture browser)
{
    [Fact]
    public async Task Past_the_budget_the_right_code_shows_Too_many_attempts_with_the_wait_and_the_link_signs_in()
    {
        // A stranger asks for codes to the address and spends its whole budget on wrong ones, on the API.
        var email = TestUsers.NewEmail();
        var budget = app.Services.GetRequiredService<IOptions<EmailCodeOptions>>().Value.FailuresPerAddressPerDay;
        var stranger = app.CreateHttpClient();
        for (var spent = 0; spent < budget;)
        {
            var sent = await EmailCodeMail.RequestAsync(app, email);
            for (var guess = 0; guess < EmailCodeService.MaxFailedAttempts && spent < budget; guess++, spent++)
            {
                using var wrong = await EmailCodeMail.VerifyAsync(stranger, email, EmailCodeMail.WrongCode(sent.Code), sent.Challenge);
                await wrong.AssertProblemAsync(HttpStatusCode.Unauthorized, "email_code.invalid");
            }
        }

        // The address's owner asks for a code and types it right: refused, with the wait and the way out.
        await using var context = await browser.NewContextAsync(app.BaseAddress);
        var page = await context.NewPageAsync();
        var known = EmailCodeMail.CodesTo(app.Mailbox, email);
        await page.GotoAsync("/login/email");
        await BrowserPages.ContinueWithEmailAsync(page, email);
        var (code, link) = await EmailCodeMail.WaitForNewAsync(app.Mailbox, email, known);
        await BrowserPages.EnterEmailCodeAsync(page, code);
        await Expect(BrowserPages.PageError(page)).ToContainTextAsync("Too many attempts");
        await Expect(BrowserPages.PageError(page)).ToContainTextAsync("Try again in 24 hours, or open the link in the email.");

        // The link is not counted: it signs in.
        await page.GotoAsync(link.PathAndQuery);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await BrowserPages.WaitForUrlAsync(page, "**/w/*");
    }
}
