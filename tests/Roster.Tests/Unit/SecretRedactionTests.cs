using Roster.Infrastructure.Telemetry;

namespace Roster.Tests.Unit;

/// <summary>What telemetry and the request log scope keep of a URL: the route and the query's keys, never a secret.</summary>
public sealed class SecretRedactionTests
{
    [Theory]
    [InlineData("/invite/AbC-123_x", "/invite/{token}")]
    [InlineData("/INVITE/AbC-123_x/", "/INVITE/{token}/")]
    [InlineData("/invite/email/AbC-123_x", "/invite/email/{token}")]
    [InlineData("/invite/emailAbC", "/invite/{token}")]
    [InlineData("/api/v1/invitations/AbC-123_x/accept", "/api/v1/invitations/{token}/accept")]
    [InlineData("/api/v1/email-invitations/AbC-123_x", "/api/v1/email-invitations/{token}")]
    [InlineData("http://roster.example:8080/invite/AbC?x=1", "http://roster.example:8080/invite/{token}?x={redacted}")]
    [InlineData("/reset-password?email=a%40b.example&code=Q2xl", "/reset-password?email={redacted}&code={redacted}")]
    [InlineData("?returnUrl=%2Finvite%2FAbC", "?returnUrl={redacted}")]
    [InlineData("RequestPath:/invite/AbC RequestId:0HN1", "RequestPath:/invite/{token} RequestId:0HN1")]
    [InlineData("/w/0b7c/settings/email-invitations/5f1e", "/w/0b7c/settings/email-invitations/5f1e")]
    [InlineData("/api/v1/workspaces/{workspaceId}/members", "/api/v1/workspaces/{workspaceId}/members")]
    [InlineData("SELECT \"u\".\"Id\" FROM \"Users\" WHERE \"u\".\"Email\" = @p0", "SELECT \"u\".\"Id\" FROM \"Users\" WHERE \"u\".\"Email\" = @p0")]
    [InlineData(
        "value '<key id=\"1\"><masterKey p4:requiresEncryption=\"true\" xmlns:p4=\"http://schemas.asp.net/2015/03/dataProtection\"><!-- Warning --><value>IbP8+3/Q==</value></masterKey></key>'",
        "value '<key id=\"1\"><masterKey p4:requiresEncryption=\"true\" xmlns:p4=\"http://schemas.asp.net/2015/03/dataProtection\"><!-- Warning --><value>{redacted}</value></masterKey></key>'")]
    public void Redact_keeps_the_route_and_drops_the_secret(string text, string expected) => Assert.Equal(expected, SecretRedaction.Redact(text));

    [Fact]
    public void Redact_returns_the_same_text_when_there_is_nothing_to_redact()
    {
        var text = "/w/0b7c/settings/members";
        Assert.Same(text, SecretRedaction.Redact(text));
    }

    [Theory]
    [InlineData("token=AbC&x=1", "token={redacted}&x={redacted}")]
    [InlineData("?token=AbC", "?token={redacted}")]
    [InlineData("plain", "plain")]
    public void A_url_query_tag_without_its_question_mark_has_its_first_value_redacted_too(string query, string expected) =>
        Assert.Equal(expected, SecretRedactionProcessor.RedactTag("url.query", query));
}
