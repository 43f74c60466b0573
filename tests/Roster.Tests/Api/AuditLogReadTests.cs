using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Roster.Features.Audit;
using Roster.Infrastructure.Authorization;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Api;

/// <summary>
/// Reading the audit log: filters and keyset pages; the CSV and JSON exports (streamed, parsed back, safe against
/// forged lines and spreadsheet formulas); no token or secret anywhere; export only where the plan includes it.
/// </summary>
public sealed class AuditLogReadTests(RosterApp app)
{
    private static readonly CancellationToken Cancel = TestContext.Current.CancellationToken;

    [Fact]
    public async Task List_FiltersByActionActorAndTime_AndPagesNewestFirst()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        for (var i = 0; i < 5; i++)
        {
            await admin.Client.CreateLinkAsync(workspace.Id, "Viewer");
        }

        var member = await TestUsers.JoinAsync(app, admin, workspace.Id, "Member");

        // 1 workspace.created, 6 invitation_link.created, 1 invitation.accepted.
        var all = await admin.Client.GetWholeAuditLogAsync(workspace.Id);
        Assert.Equal(8, all.Count);
        Assert.Equal(all.OrderByDescending(e => e.OccurredAt).ThenByDescending(e => e.Id).Select(e => e.Id), all.Select(e => e.Id));

        // Pages of 3: 3, 3, 2, each with the same total, the last without a cursor.
        var first = await admin.Client.GetAuditLogAsync(workspace.Id, "limit=3");
        var second = await admin.Client.GetAuditLogAsync(workspace.Id, $"limit=3&after={first.Next}");
        var third = await admin.Client.GetAuditLogAsync(workspace.Id, $"limit=3&after={second.Next}");
        Assert.Equal((3, 3, 2, 8, 8, 8), (first.Items.Count, second.Items.Count, third.Items.Count, first.Total, second.Total, third.Total));
        Assert.Null(third.Next);
        Assert.Equal(all.Select(e => e.Id), first.Items.Concat(second.Items).Concat(third.Items).Select(e => e.Id));

        var links = await admin.Client.GetAuditLogAsync(workspace.Id, "action=invitation_link.created");
        Assert.Equal(6, links.Total);
        Assert.All(links.Items, e => Assert.Equal(AuditActions.InvitationLinkCreated, e.Action));

        foreach (var actor in new[] { member.Id.ToString(), member.Email, member.Email.ToUpperInvariant() })
        {
            var byMember = await admin.Client.GetAuditLogAsync(workspace.Id, $"actor={Uri.EscapeDataString(actor)}");
            Assert.Equal(AuditActions.InvitationAccepted, Assert.Single(byMember.Items).Action);
        }

        Assert.Equal(0, (await admin.Client.GetAuditLogAsync(workspace.Id, $"actor={TestUsers.NewEmail()}")).Total);

        var today = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(8, (await admin.Client.GetAuditLogAsync(workspace.Id, $"from={today}&to={today}")).Total);
        Assert.Equal(0, (await admin.Client.GetAuditLogAsync(workspace.Id, "to=2020-01-01")).Total);
        var middle = all[3].OccurredAt;
        var since = await admin.Client.GetAuditLogAsync(workspace.Id, $"from={Uri.EscapeDataString(middle.ToString("O"))}");
        Assert.Equal(all.Where(e => e.OccurredAt >= middle).Select(e => e.Id), since.Items.Select(e => e.Id));
        var until = await admin.Client.GetAuditLogAsync(workspace.Id, $"to={Uri.EscapeDataString(middle.ToString("O"))}");
        Assert.Equal(all.Where(e => e.OccurredAt <= middle).Select(e => e.Id), until.Items.Select(e => e.Id));

        // The calendar's last day and instant, and its first, bound nothing (no overflow, no 500).
        Assert.Equal(8, (await admin.Client.GetAuditLogAsync(workspace.Id, "from=0001-01-01&to=9999-12-31")).Total);
        Assert.Equal(8, (await admin.Client.GetAuditLogAsync(workspace.Id, $"to={Uri.EscapeDataString("9999-12-31T23:59:59.9999999Z")}")).Total);
    }

    [Theory]
    [InlineData("action=member.exploded", "action")]
    [InlineData("action=sign_in.succeeded", "action")]
    [InlineData("from=yesterday", "from")]
    [InlineData("to=2026-13-45", "to")]
    [InlineData("from=2026-05-02&to=2026-05-01", "to")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=201", "limit")]
    [InlineData("after=not-a-cursor", "after")]
    public async Task List_InvalidFilterOrPage_AnswersValidationFailedNamingTheField(string query, string field)
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();

        using var response = await admin.Client.GetAsync(new Uri($"/api/v1/workspaces/{workspace.Id}/audit-log?{query}", UriKind.Relative), Cancel);

        await response.AssertValidationProblemAsync(field);
    }

    [Fact]
    public async Task Export_OnAPlanWithoutIt_AnswersFeatureLocked_AndABadFormatAnswersValidationFailed()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();

        using (var locked = await admin.Client.GetAsync(new Uri($"/api/v1/workspaces/{workspace.Id}/audit-log/export?format=csv", UriKind.Relative), Cancel))
        {
            var problem = await locked.AssertProblemAsync(HttpStatusCode.Forbidden, "plan.feature_locked");
            Assert.Contains("Enterprise", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        }

        await app.SetPlanAsync(workspace.Id, "Enterprise");
        foreach (var format in new[] { "", "xml", "csv%00" })
        {
            using var bad = await admin.Client.GetAsync(new Uri($"/api/v1/workspaces/{workspace.Id}/audit-log/export?format={format}", UriKind.Relative), Cancel);
            await bad.AssertValidationProblemAsync("format");
        }

        using var filter = await admin.Client.GetAsync(new Uri($"/api/v1/workspaces/{workspace.Id}/audit-log/export?format=json&from=soon", UriKind.Relative), Cancel);
        await filter.AssertValidationProblemAsync("from");
    }

    [Fact]
    public async Task Export_CsvParsedBack_MatchesTheJsonAndTheApi_AndNamesCannotForgeALineOrAFormula()
    {
        var admin = await TestUsers.RegisterAsync(app);
        const string ForgedName = "Eve\r\n00000000-0000-0000-0000-000000000000,2020-01-01T00:00:00Z,operator";
        const string FormulaName = "=HYPERLINK(\"http://evil.example\",\"x\")";
        await app.SetNameAsync(admin.Id, FormulaName);
        var workspace = await admin.Client.CreateWorkspaceAsync("Forgery");
        await app.SetPlanAsync(workspace.Id, "Enterprise");

        // Names are checked for control characters where people type them, but the export must not rely on it (older
        // rows, names from other sources): a label holding a line of its own is written through the log itself.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<AuditLog>().WriteAsync(
                Actor.ForUser(admin.Id, "127.0.0.1"), workspace.Id, AuditActions.WorkspaceRenamed, new AuditTarget(AuditTargets.Workspace, workspace.Id.ToString(), ForgedName), Cancel);
        }

        await admin.Client.CreateLinkAsync(workspace.Id, "Member");
        var member = await TestUsers.JoinAsync(app, admin, workspace.Id, "Viewer");
        await app.SetNameAsync(member.Id, "+1 tab\there, \"quoted\"\u000b\u2028");
        using (var changed = await admin.Client.ChangePermissionAsync(workspace.Id, member.Id, "Member"))
        {
            await changed.EnsureSuccessAsync();
        }

        var api = await admin.Client.GetWholeAuditLogAsync(workspace.Id);

        using var csvResponse = await admin.Client.GetAsync(new Uri($"/api/v1/workspaces/{workspace.Id}/audit-log/export?format=csv", UriKind.Relative), Cancel);
        await csvResponse.EnsureSuccessAsync();
        Assert.Equal("text/csv", csvResponse.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", csvResponse.Content.Headers.ContentDisposition?.DispositionType);
        Assert.True(csvResponse.Headers.CacheControl?.NoStore);
        var csv = await csvResponse.Content.ReadAsStringAsync(Cancel);
        var rows = Rfc4180.Parse(csv);

        Assert.Equal(AuditExportResult.CsvHeader, rows[0]);
        Assert.Equal(api.Count, rows.Count - 1);
        Assert.All(rows, row => Assert.Equal(AuditExportResult.CsvHeader.Length, row.Count));
        for (var i = 0; i < api.Count; i++)
        {
            var item = api[i];
            var row = rows[i + 1];
            Assert.Equal(item.Id.ToString(), row[0]);
            Assert.Equal(item.OccurredAt, DateTimeOffset.Parse(row[1], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(
                [item.Actor.Type, item.Actor.Id?.ToString() ?? "", Spreadsheet(item.Actor.Name), Spreadsheet(item.Actor.Email), item.ClientAddress ?? "", item.Action],
                row.Skip(2).Take(6));
            Assert.Equal(
                [item.Target?.Type ?? "", item.Target?.Id ?? "", Spreadsheet(item.Target?.Label), item.Outcome, item.Reason ?? "", Spreadsheet(item.Details)],
                row.Skip(8));
        }

        // No cell a spreadsheet would run: each starts with the neutralising quote instead.
        Assert.All(rows.SelectMany(row => row), cell => Assert.False(cell.Length > 0 && cell[0] is '=' or '+' or '-' or '@' or '\t' or '\r', cell));
        Assert.Contains(rows, row => row[4] == "'" + FormulaName);
        Assert.Contains(rows, row => row[10] == ForgedName);
        Assert.DoesNotContain('\u000b', csv);
        Assert.DoesNotContain('\u2028', csv);

        using var jsonResponse = await admin.Client.GetAsync(new Uri($"/api/v1/workspaces/{workspace.Id}/audit-log/export?format=json", UriKind.Relative), Cancel);
        await jsonResponse.EnsureSuccessAsync();
        Assert.Equal("application/json", jsonResponse.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", jsonResponse.Content.Headers.ContentDisposition?.DispositionType);
        var jsonText = await jsonResponse.Content.ReadAsStringAsync(Cancel);
        Assert.DoesNotContain('\n', jsonText);
        var json = JsonSerializer.Deserialize<List<AuditEntryResponse>>(jsonText, JsonSerializerOptions.Web)!;
        Assert.Equal(JsonSerializer.Serialize(api), JsonSerializer.Serialize(json));
        Assert.Contains(json, e => e.Target?.Label == ForgedName);
        Assert.Contains(json, e => e.Actor.Name == FormulaName);
    }

    [Fact]
    public async Task NoTokenOrSecret_InAnyEntryOrExport()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        await app.SetPlanAsync(workspace.Id, "Enterprise");
        var link = await admin.Client.CreateLinkAsync(workspace.Id, "Member");
        var token = ApiClient.TokenOf(link);
        var key = await admin.Client.CreateApiKeyAsync(workspace.Id, "reports");
        var joiner = await TestUsers.RegisterAsync(app);
        using (var accepted = await joiner.Client.AcceptAsync(token))
        {
            await accepted.EnsureSuccessAsync();
        }

        using (var again = await joiner.Client.AcceptAsync(token))
        {
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        }

        using (var revoked = await admin.Client.DeleteAsync(new Uri($"/api/v1/workspaces/{workspace.Id}/api-keys/{key.Id}", UriKind.Relative), Cancel))
        {
            await revoked.EnsureSuccessAsync();
        }

        // Every column of every entry, as stored.
        var stored = await app.QueryAsync(db => db.AuditEntries.AsNoTracking().Where(e => e.WorkspaceId == workspace.Id).ToListAsync(Cancel));
        Assert.Equal(7, stored.Count); // with the operator's plan.changed
        var everything = new StringBuilder(JsonSerializer.Serialize(stored));
        everything.Append(await admin.Client.GetStringAsync($"/api/v1/workspaces/{workspace.Id}/audit-log", Cancel));
        everything.Append(await admin.Client.GetStringAsync($"/api/v1/workspaces/{workspace.Id}/audit-log/export?format=csv", Cancel));
        everything.Append(await admin.Client.GetStringAsync($"/api/v1/workspaces/{workspace.Id}/audit-log/export?format=json", Cancel));
        var text = everything.ToString();

        Assert.Contains(key.Id.ToString(), text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(token, text, StringComparison.Ordinal);
        Assert.DoesNotContain(key.Secret, text, StringComparison.Ordinal);
        Assert.DoesNotContain(key.Secret[Roster.Features.ApiKeys.ApiKey.Prefix.Length..], text, StringComparison.Ordinal);
        Assert.DoesNotContain(TestUsers.Password, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_FiltersByActorEmail_AndEncodesNames()
    {
        var admin = await TestUsers.RegisterAsync(app);
        await app.SetNameAsync(admin.Id, "<script>alert(1)</script>");
        var workspace = await admin.Client.CreateWorkspaceAsync("<b>Team</b>");
        var member = await TestUsers.JoinAsync(app, admin, workspace.Id, "Viewer");
        var browser = await CookieSession.SignInAsync(app, admin);

        var everything = await browser.GetStringAsync($"/w/{workspace.Id}/settings/audit-log", Cancel);
        var byMember = await browser.GetStringAsync($"/w/{workspace.Id}/settings/audit-log?actor={Uri.EscapeDataString(member.Email)}", Cancel);
        var invalid = await browser.GetStringAsync($"/w/{workspace.Id}/settings/audit-log?from=someday", Cancel);

        Assert.Contains("3 entries.", everything, StringComparison.Ordinal);
        Assert.Contains(AuditActions.WorkspaceCreated, everything, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert(1)</script>", everything, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>Team</b>", everything, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", everything, StringComparison.Ordinal);
        Assert.Contains("1 entry matches the filters.", byMember, StringComparison.Ordinal);
        Assert.Contains("<td>invitation.accepted</td>", byMember, StringComparison.Ordinal);
        Assert.Contains("Give an ISO 8601 date", invalid, StringComparison.Ordinal);
    }

    /// <summary>What the CSV holds for a value: the value, behind a quote when a spreadsheet would run it, other control characters replaced.</summary>
    private static string Spreadsheet(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        var cleaned = new string(value.Select(c => c is '\r' or '\n' or '\t' || !(char.IsControl(c) || c is '\u2028' or '\u2029') ? c : '\uFFFD').ToArray());
        return value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + cleaned : cleaned;
    }
}

/// <summary>A strict RFC 4180 reader: records end with CRLF outside quotes; a quoted field doubles its quotes.</summary>
public static class Rfc4180
{
    public static List<List<string>> Parse(string text)
    {
        var records = new List<List<string>>();
        var record = new List<string>();
        var field = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            if (field.Length == 0 && text[i] == '"')
            {
                i++;
                while (true)
                {
                    if (i >= text.Length)
                    {
                        throw new FormatException("A quoted field is not closed.");
                    }

                    if (text[i] == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    field.Append(text[i++]);
                }

                if (i < text.Length && text[i] != ',' && text[i] != '\r')
                {
                    throw new FormatException($"Text after a closing quote at {i}.");
                }

                continue;
            }

            switch (text[i])
            {
                case ',':
                    record.Add(field.ToString());
                    field.Clear();
                    i++;
                    break;
                case '\r' when i + 1 < text.Length && text[i + 1] == '\n':
                    record.Add(field.ToString());
                    field.Clear();
                    records.Add(record);
                    record = [];
                    i += 2;
                    break;
                case '\r' or '\n' or '"':
                    throw new FormatException($"A bare {(int)text[i]} outside quotes at {i}.");
                default:
                    field.Append(text[i++]);
                    break;
            }
        }

        if (field.Length > 0 || record.Count > 0)
        {
            record.Add(field.ToString());
            records.Add(record);
        }

        return records;
    }
}
