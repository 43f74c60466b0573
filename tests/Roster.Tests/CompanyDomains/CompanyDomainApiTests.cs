using System.Net;
using System.Text.Json;
using Roster.Features.Audit;
using Roster.Features.CompanyDomains;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.CompanyDomains;

/// <summary>
/// Company domain and join policy (SPEC section 5, issue 8 part 1): the one normalisation rule, the public mail list,
/// the domain a new workspace starts with, and PATCH /api/v1/workspaces/{id} with its refusals.
/// </summary>
public sealed class CompanyDomainApiTests(RosterApp app)
{
    [Theory]
    [InlineData("acme.test", "acme.test")]
    [InlineData("ACME.Test", "acme.test")]
    [InlineData("  acme.test.  ", "acme.test")]
    [InlineData("bücher.example", "xn--bcher-kva.example")]
    [InlineData("BÜCHER.example.", "xn--bcher-kva.example")]
    [InlineData("xn--bcher-kva.example", "xn--bcher-kva.example")]
    [InlineData("sub.acme.test", "sub.acme.test")]
    public void Normalize_CaseTrailingDotAndInternationalNames_GiveOneForm(string input, string expected) =>
        Assert.Equal(expected, CompanyDomainNames.Normalize(input));

    [Theory]
    [InlineData("")]
    [InlineData("acme")]
    [InlineData("acme..test")]
    [InlineData("@acme.test")]
    [InlineData("https://acme.test")]
    [InlineData("acme.test/")]
    [InlineData("-acme.test")]
    [InlineData("acme .test")]
    [InlineData("acme.test..")]
    public void Normalize_WhatIsNotADomain_IsNull(string input) => Assert.Null(CompanyDomainNames.Normalize(input));

    [Fact]
    public void Matching_IsExact_SubdomainsAndLookAlikesNeverMatch()
    {
        var company = CompanyDomainNames.Normalize("acme.test");
        Assert.Equal(company, CompanyDomainNames.OfEmail("Ann@ACME.TEST"));
        Assert.Equal("xn--bcher-kva.example", CompanyDomainNames.OfEmail("ann@bücher.example"));
        foreach (var other in new[] { "ann@sub.acme.test", "ann@acme.test.evil.test", "ann@notacme.test", "ann@acme.testx", "ann@acme-test" })
        {
            Assert.NotEqual(company, CompanyDomainNames.OfEmail(other));
        }
    }

    [Fact]
    public void PublicMailList_HasAtLeastAThousandDomains_WithTheBigProviders()
    {
        var list = new PublicMailDomains();
        Assert.True(list.Count >= 1000, $"The list holds {list.Count} domains.");
        foreach (var domain in new[] { "gmail.com", "outlook.com", "yahoo.com", "hotmail.com", "GMAIL.COM.", " Outlook.com " })
        {
            Assert.True(list.Contains(domain), domain);
        }

        Assert.True(list.Contains("Example.com"));
        Assert.False(list.Contains("acme.test"));
        Assert.False(list.Contains("sub.gmail.com.evil.test"));
    }

    [Fact]
    public async Task NewWorkspace_TakesTheCreatorsVerifiedDomain_NotAnUnverifiedOne_NorAPublicOne()
    {
        var domain = DomainPeople.NewDomain();
        var (_, company) = await DomainPeople.CompanyAsync(app, domain);
        Assert.Equal((domain, "request"), (company.CompanyDomain, company.JoinPolicy));

        var unverified = await TestUsers.RegisterAsync(app, TestUsers.NewEmail(DomainPeople.NewDomain()));
        var theirs = await unverified.Client.CreateWorkspaceAsync();
        Assert.Null(theirs.CompanyDomain);

        var gmail = await DomainPeople.VerifiedAsync(app, "gmail.com");
        var gmailWorkspace = await gmail.Client.CreateWorkspaceAsync();
        Assert.Null(gmailWorkspace.CompanyDomain);
    }

    [Fact]
    public async Task Patch_SetsClearsAndNormalises_TheAdminsOwnVerifiedDomain_AndRecordsIt()
    {
        var domain = DomainPeople.NewDomain();
        var (admin, workspace) = await DomainPeople.CompanyAsync(app, domain);

        using var cleared = await admin.Client.PatchWorkspaceAsync(workspace.Id, new { companyDomain = (string?)null });
        Assert.Null((await ApiClient.ReadAsync<Features.Workspaces.WorkspaceResponse>(cleared)).CompanyDomain);

        using var set = await admin.Client.PatchWorkspaceAsync(workspace.Id, new { companyDomain = $" {domain.ToUpperInvariant()}. ", joinPolicy = "OFF" });
        var after = await ApiClient.ReadAsync<Features.Workspaces.WorkspaceResponse>(set);
        Assert.Equal((domain, "off"), (after.CompanyDomain, after.JoinPolicy));

        // A PATCH without the field keeps it; "" clears it.
        using var renamed = await admin.Client.PatchWorkspaceAsync(workspace.Id, new { name = "Renamed" });
        Assert.Equal(domain, (await ApiClient.ReadAsync<Features.Workspaces.WorkspaceResponse>(renamed)).CompanyDomain);
        using var emptied = await admin.Client.PatchWorkspaceAsync(workspace.Id, new { companyDomain = "" });
        Assert.Null((await ApiClient.ReadAsync<Features.Workspaces.WorkspaceResponse>(emptied)).CompanyDomain);

        var entries = (await app.AuditEntriesAsync(workspace.Id)).Where(e => e.Action == AuditActions.WorkspaceJoinSettingsChanged).ToList();
        Assert.Equal(3, entries.Count);
        Assert.Contains($"domain: none → {domain}", entries[1].Details, StringComparison.Ordinal);
        Assert.Contains("policy: request → off", entries[1].Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Patch_ByAnotherAdminWhoseAddressIsElsewhere_KeepsTheDomainAndChangesThePolicy_ButCannotSetAnother()
    {
        var domain = DomainPeople.NewDomain();
        var (admin, workspace) = await DomainPeople.CompanyAsync(app, domain);
        var other = await TestUsers.JoinAsync(app, admin, workspace.Id, "Admin");

        // The form posts every field, and an API client may echo the domain it read: kept as it is, it needs no proof.
        using var kept = await other.Client.PatchWorkspaceAsync(workspace.Id, new { companyDomain = domain.ToUpperInvariant() + ".", joinPolicy = "off" });
        await kept.EnsureSuccessAsync();
        var after = await ApiClient.ReadAsync<Features.Workspaces.WorkspaceResponse>(kept);
        Assert.Equal((domain, "off"), (after.CompanyDomain, after.JoinPolicy));

        using var another = await other.Client.PatchWorkspaceAsync(workspace.Id, new { companyDomain = DomainPeople.NewDomain() });
        await another.AssertProblemAsync(HttpStatusCode.Forbidden, "workspace.domain_not_verified");
    }

    [Fact]
    public async Task Patch_Refusals_HaveStableCodes_AndChangeNothing()
    {
        var domain = DomainPeople.NewDomain();
        var (admin, workspace) = await DomainPeople.CompanyAsync(app, domain);
        var member = await TestUsers.JoinAsync(app, admin, workspace.Id, "Member");

        var cases = new (object Body, HttpStatusCode Status, string Code)[]
        {
            (new { companyDomain = "not a domain" }, HttpStatusCode.BadRequest, "workspace.domain_invalid"),
            (new { companyDomain = "gmail.com" }, HttpStatusCode.BadRequest, "workspace.domain_public"),
            (new { companyDomain = DomainPeople.NewDomain() }, HttpStatusCode.Forbidden, "workspace.domain_not_verified"),
            (new { companyDomain = $"sub.{domain}" }, HttpStatusCode.Forbidden, "workspace.domain_not_verified"),
            (new { companyDomain = 42 }, HttpStatusCode.BadRequest, "validation_failed"),
            (new { joinPolicy = "sometimes" }, HttpStatusCode.BadRequest, "validation_failed"),
            (new { joinPolicy = "automatic" }, HttpStatusCode.Forbidden, "plan.feature_locked"),
            (new { autoJoinPermission = "Admin" }, HttpStatusCode.BadRequest, "workspace.auto_join_admin"),
            (new { autoJoinPermission = "Nobody" }, HttpStatusCode.BadRequest, "validation_failed"),
            (new { name = "", companyDomain = (string?)null }, HttpStatusCode.BadRequest, "validation_failed"),
        };
        foreach (var (body, status, code) in cases)
        {
            using var response = await admin.Client.PatchWorkspaceAsync(workspace.Id, body);
            await response.AssertProblemAsync(status, code);
        }

        using var notAdmin = await member.Client.PatchWorkspaceAsync(workspace.Id, new { companyDomain = (string?)null });
        Assert.Equal(HttpStatusCode.Forbidden, notAdmin.StatusCode);

        // An Admin whose own address is not verified cannot set even their own domain.
        var unverified = await TestUsers.RegisterAsync(app, TestUsers.NewEmail(domain));
        var theirs = await unverified.Client.CreateWorkspaceAsync();
        using var refused = await unverified.Client.PatchWorkspaceAsync(theirs.Id, new { companyDomain = domain });
        await refused.AssertProblemAsync(HttpStatusCode.Forbidden, "workspace.domain_not_verified");

        var unchanged = await ApiClient.GetAsync<Features.Workspaces.WorkspaceResponse>(admin.Client, $"/api/v1/workspaces/{workspace.Id}");
        Assert.Equal((domain, "request", $"Company {domain}"), (unchanged.CompanyDomain, unchanged.JoinPolicy, unchanged.Name));
        Assert.DoesNotContain((await app.AuditEntriesAsync(workspace.Id)), e => e.Action == AuditActions.WorkspaceJoinSettingsChanged);
    }

    [Fact]
    public async Task Patch_Automatic_OnAPlanWithIt_JoinsAsTheChosenPermission()
    {
        var domain = DomainPeople.NewDomain();
        var (admin, workspace) = await DomainPeople.CompanyAsync(app, domain, TestPlans.Pro);

        using var response = await admin.Client.PatchWorkspaceAsync(workspace.Id, new { joinPolicy = "automatic", autoJoinPermission = "viewer" });
        await response.EnsureSuccessAsync();
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal("automatic", json.GetProperty("joinPolicy").GetString());
        Assert.NotEqual(JsonValueKind.Null, json.GetProperty("autoJoinPermissionId").ValueKind);
    }
}
