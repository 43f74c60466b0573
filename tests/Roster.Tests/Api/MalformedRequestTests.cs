using System.Net;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Api;

/// <summary>A body the API cannot read is the caller's mistake: 400 with a stable code, never a 500.</summary>
public sealed class MalformedRequestTests(RosterApp app)
{
    [Theory]
    [InlineData("{\"permission\":\"Viewer\",\"maxUses\":\"many\"}")]
    [InlineData("{\"permission\":")]
    [InlineData("null")]
    [InlineData("[1, 2]")]
    public async Task CreateLink_UnreadableBody_Answers400Malformed(string body)
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();

        using var response = await admin.Client.PostJsonAsync($"/api/v1/workspaces/{workspace.Id}/invitation-links", body);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "request.malformed");
        Assert.Empty(await admin.Client.ListLinksAsync(workspace.Id));
    }

    [Fact]
    public async Task CreateWorkspace_NotJson_Answers415WithACode()
    {
        var user = await TestUsers.RegisterAsync(app);
        using var content = new StringContent("name=Team", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded");

        using var response = await user.Client.PostAsync(new Uri("/api/v1/workspaces", UriKind.Relative), content, TestContext.Current.CancellationToken);

        await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType, "request.unsupported_media_type");
    }
}
