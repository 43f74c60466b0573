using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Security;

/// <summary>
/// What one caller gets from one operation: an exact status, with the problem's <c>code</c> on the API and the
/// redirect's target on pages; or, for page forms whose success answer the pages decide (a redirect back, or the
/// page again), "accepted": any 2xx or 3xx that is not a sign-in or error redirect, with the row's effect checked.
/// </summary>
public sealed record Outcome(string Label, int Status, bool Refused, string? Code = null, string? Location = null, bool LocationIsPrefix = false, bool Accepted = false)
{
    public override string ToString() => Label;

    public async Task AssertAsync(HttpResponseMessage response, string? secret)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var status = (int)response.StatusCode;
        var location = response.Headers.Location is { } uri ? (uri.IsAbsoluteUri ? uri.PathAndQuery : uri.OriginalString) : null;
        var path = location?.Split('?')[0];
        var answer = $"got {status}{(location is null ? "" : $" to {location}")}: {(body.Length > 400 ? body[..400] : body)}";
        if (Accepted)
        {
            var toSignInOrError = path is not null && (path == "/login" || path.StartsWith("/error", StringComparison.Ordinal));
            Assert.True(status is >= 200 and < 400 && !toSignInOrError, $"Expected the form to be accepted (2xx, or 3xx not to /login or /error), {answer}");
        }
        else if (Code is not null)
        {
            await response.AssertProblemAsync((HttpStatusCode)Status, Code);
        }
        else
        {
            Assert.True(Status == status, $"Expected {Label}, {answer}");
            if (Location is not null)
            {
                Assert.True(
                    path is not null && (LocationIsPrefix ? path.StartsWith(Location, StringComparison.Ordinal) : path == Location),
                    $"Expected {Label}, {answer}");
            }
        }

        // Someone outside the workspace learns nothing about it, not even its name.
        if (Refused && secret is not null)
        {
            Assert.DoesNotContain(secret, body, StringComparison.Ordinal);
        }
    }
}

/// <summary>
/// One operation (an API endpoint, or a page handler) and, per caller, what it must answer. <see cref="Variant"/>
/// tells apart two rows of one endpoint (removing someone else, or leaving). Columns follow <see cref="Caller"/>.
/// </summary>
public sealed record MatrixRow(
    string Method, string Route, string? Handler, string? Variant, IReadOnlyList<Outcome> Outcomes, Func<AuthorizationScenario, Caller, Task<PreparedCall>> Prepare)
{
    public bool IsPage => !Route.StartsWith("/api/", StringComparison.Ordinal);

    /// <summary>The endpoint this row covers, as <see cref="EndpointInventory"/> names it.</summary>
    public string Endpoint => EndpointInventory.Key(IsPage, Method, Route, Handler);

    public string Name => Variant is null ? Endpoint : $"{Endpoint} ({Variant})";

    public Outcome For(Caller caller) => Outcomes[(int)caller];
}

/// <summary>
/// The authorization matrix (SPEC section 10): every API endpoint and every page handler, for every caller, with
/// the answer it must give. <see cref="AuthorizationMatrixTests"/> drives each cell through the real app and fails
/// when an endpoint or page handler exists without a row here (or a row names one that does not exist).
/// </summary>
public static class AuthorizationMatrix
{
    // API answers.
    private static readonly Outcome Ok = new("200", 200, Refused: false);
    private static readonly Outcome Created = new("201", 201, Refused: false);
    private static readonly Outcome NoContent = new("204", 204, Refused: false);
    private static readonly Outcome SignIn = new("401 auth.required", 401, Refused: true, Code: "auth.required");

    /// <summary>Outside the workspace (or another workspace's API key): no hint that it exists.</summary>
    private static readonly Outcome Hidden = new("404 workspace.not_found", 404, Refused: true, Code: "workspace.not_found");
    private static readonly Outcome NotAdmin = new("403 workspace.forbidden", 403, Refused: true, Code: "workspace.forbidden");
    private static readonly Outcome KeyRefused = new("403 api_key.not_allowed", 403, Refused: true, Code: "api_key.not_allowed");
    private static readonly Outcome SelfOnly = new("403 authorization.self_only", 403, Refused: true, Code: "authorization.self_only");
    private static readonly Outcome EmailCodeSent = new("202", 202, Refused: false);
    private static readonly Outcome EmailCodeRefused = new("401 email_code.invalid", 401, Refused: true, Code: "email_code.invalid");
    private static readonly Outcome Invalid = new("400 validation_failed", 400, Refused: false, Code: "validation_failed");
    private static readonly Outcome NoToken = new("404 access_token.not_found", 404, Refused: false, Code: "access_token.not_found");
    private static readonly Outcome AlreadyMember = new("409 invitation.already_member", 409, Refused: false, Code: "invitation.already_member");
    private static readonly Outcome NoJoinRequest = new("404 join_request.not_found", 404, Refused: false, Code: "join_request.not_found");


    // Page answers. Refused pages render the friendly error page with the status.
    private static readonly Outcome Shown = new("200 page", 200, Refused: false);
    private static readonly Outcome ToLogin = new("302 to /login", 302, Refused: true, Location: "/login");
    private static readonly Outcome PageHidden = new("404 page", 404, Refused: true);
    private static readonly Outcome PageForbidden = new("403 page", 403, Refused: true);
    private static readonly Outcome ToRoot = new("302 to /", 302, Refused: false, Location: "/");
    private static readonly Outcome ToWorkspace = new("302 to /w/...", 302, Refused: false, Location: "/w/", LocationIsPrefix: true);
    private static readonly Outcome SignedOut = new("302 to /login (signed out)", 302, Refused: false, Location: "/login");
    private static readonly Outcome Done = new("accepted", 0, Refused: false, Accepted: true);

    private const string AboutThemselves = "about themselves";
    private const string AboutSomeoneElse = "about someone else";

    public static IReadOnlyList<MatrixRow> Rows { get; } =
    [
        // ---- Accounts: Roster's own account API. Anonymous by design, except logout, which needs a person. ----
        //                                                                                Anonymous   Viewer      Member      ReadOnly    Admin       OtherAdmin  ApiKey      OtherKey
        Api("POST", "/api/v1/auth/register", null,                                         [Ok,         Ok,         Ok,         Ok,         Ok,         Ok,         KeyRefused, KeyRefused], Register),
        Api("POST", "/api/v1/auth/login", null,                                            [Ok,         Ok,         Ok,         Ok,         Ok,         Ok,         KeyRefused, KeyRefused], Send(HttpMethod.Post, _ => "/api/v1/auth/login", s => new { email = s.Outsider.Email, password = s.Outsider.Password })),
        Api("POST", "/api/v1/auth/refresh", null,                                          [Ok,         Ok,         Ok,         Ok,         Ok,         Ok,         KeyRefused, KeyRefused], Send(HttpMethod.Post, _ => "/api/v1/auth/refresh", s => new { refreshToken = s.OutsiderRefreshToken })),
        Api("POST", "/api/v1/auth/confirm-email", null,                                    [Ok,         Ok,         Ok,         Ok,         Ok,         Ok,         KeyRefused, KeyRefused], ConfirmEmail),
        Api("POST", "/api/v1/auth/logout", "a stand-in for the caller",                    [SignIn,     NoContent,  NoContent,  NoContent,  NoContent,  NoContent,  KeyRefused, KeyRefused], Logout),
        Api("POST", "/api/v1/auth/resend-confirmation", null,                          [Ok,         Ok,         Ok,         Ok,         Ok,         Ok,         KeyRefused, KeyRefused], Send(HttpMethod.Post, _ => "/api/v1/auth/resend-confirmation", s => new { email = s.Outsider.Email })),
        Api("POST", "/api/v1/auth/forgot-password", null,                                   [Ok,         Ok,         Ok,         Ok,         Ok,         Ok,         KeyRefused, KeyRefused], Send(HttpMethod.Post, _ => "/api/v1/auth/forgot-password", s => new { email = s.Outsider.Email })),
        Api("POST", "/api/v1/auth/reset-password", null,                                    [Ok,         Ok,         Ok,         Ok,         Ok,         Ok,         KeyRefused, KeyRefused], ResetPassword),
        Api("POST", "/api/v1/auth/email-code", null,                                       [EmailCodeSent, EmailCodeSent, EmailCodeSent, EmailCodeSent, EmailCodeSent, EmailCodeSent, KeyRefused, KeyRefused], Send(HttpMethod.Post, _ => "/api/v1/auth/email-code", _ => new { email = TestUsers.NewEmail() })),
        Api("POST", "/api/v1/auth/email-code/verify", "a wrong code",                      [EmailCodeRefused, EmailCodeRefused, EmailCodeRefused, EmailCodeRefused, EmailCodeRefused, EmailCodeRefused, KeyRefused, KeyRefused], Send(HttpMethod.Post, _ => "/api/v1/auth/email-code/verify", s => new { email = s.Outsider.Email, code = "00000000", challenge = new string('A', 43) })),

        // ---- Personal access tokens: the caller's own; a workspace API key is refused. ----
        //                                                                                Anonymous   Viewer      Member      ReadOnly    Admin       OtherAdmin  ApiKey      OtherKey
        Api("GET", "/api/v1/me/tokens", null,                                              [SignIn,     Ok,         Ok,         Ok,         Ok,         Ok,         KeyRefused, KeyRefused], Send(HttpMethod.Get, _ => "/api/v1/me/tokens")),
        Api("POST", "/api/v1/me/tokens", "an empty body",                                  [SignIn,     Invalid,    Invalid,    Invalid,    Invalid,    Invalid,    KeyRefused, KeyRefused], Send(HttpMethod.Post, _ => "/api/v1/me/tokens", _ => new { })),
        Api("DELETE", "/api/v1/me/tokens/{tokenId}", "an unknown token",                   [SignIn,     NoToken,    NoToken,    NoToken,    NoToken,    NoToken,    KeyRefused, KeyRefused], Send(HttpMethod.Delete, _ => $"/api/v1/me/tokens/{Guid.NewGuid()}")),

        // ---- The caller's own account and workspaces; the menu catalog. ----
        //                                                                                Anonymous   Viewer      Member      ReadOnly    Admin       OtherAdmin  ApiKey      OtherKey
        Api("GET", "/api/v1/me", null,                                                     [SignIn,     Ok,         Ok,         Ok,         Ok,         Ok,         KeyRefused, KeyRefused], Send(HttpMethod.Get, _ => "/api/v1/me")),
        Api("GET", "/api/v1/me/sessions", null,                                            [SignIn,     Ok,         Ok,         Ok,         Ok,         Ok,         KeyRefused, KeyRefused], Send(HttpMethod.Get, _ => "/api/v1/me/sessions")),
        Api("DELETE", "/api/v1/me/sessions/{sessionId}", "a second session of the caller", [SignIn,     NoContent,  NoContent,  NoContent,  NoContent,  NoContent,  KeyRefused, KeyRefused], EndSession),
        Api("POST", "/api/v1/me/sessions/revoke-all", "a stand-in's sessions",             [SignIn,     NoContent,  NoContent,  NoContent,  NoContent,  NoContent,  KeyRefused, KeyRefused], RevokeAllSessions),
        Api("GET", "/api/v1/menus", null,                                                  [SignIn,     Ok,         Ok,         Ok,         Ok,         Ok,         KeyRefused, KeyRefused], Send(HttpMethod.Get, _ => "/api/v1/menus")),
        Api("GET", "/api/v1/workspaces", null,                                             [SignIn,     Ok,         Ok,         Ok,         Ok,         Ok,         KeyRefused, KeyRefused], Send(HttpMethod.Get, _ => "/api/v1/workspaces")),
        Api("POST", "/api/v1/workspaces", null,                                            [SignIn,     Created,    Created,    Created,    Created,    Created,    KeyRefused, KeyRefused], CreateWorkspace),
        Api("GET", "/api/v1/workspaces/{workspaceId}", null,                               [SignIn,     Ok,         Ok,         Ok,         Ok,         Hidden,     KeyRefused, Hidden],     Send(HttpMethod.Get, s => s.Api)),
        Api("PATCH", "/api/v1/workspaces/{workspaceId}", null,                             [SignIn,     NotAdmin,   NotAdmin,   NotAdmin,   Ok,         Hidden,     KeyRefused, Hidden],     RenameWorkspace),
        Api("DELETE", "/api/v1/workspaces/{workspaceId}", "the Admin deletes one of their own", [SignIn, NotAdmin,   NotAdmin,   NotAdmin,   NoContent,  Hidden,     KeyRefused, Hidden],     DeleteWorkspace),

        // ---- Members. Everyone in the workspace reads them; only Admins change or remove; anyone leaves. ----
        //                                                                                Anonymous   Viewer      Member      ReadOnly    Admin       OtherAdmin  ApiKey      OtherKey
        Api("GET", "/api/v1/workspaces/{workspaceId}/members", null,                       [SignIn,     Ok,         Ok,         Ok,         Ok,         Hidden,     KeyRefused, Hidden],     Send(HttpMethod.Get, s => $"{s.Api}/members")),
        Api("GET", "/api/v1/workspaces/{workspaceId}/members/{userId}", null,              [SignIn,     Ok,         Ok,         Ok,         Ok,         Hidden,     KeyRefused, Hidden],     Send(HttpMethod.Get, s => $"{s.Api}/members/{s.Viewer.Id}")),
        Api("PATCH", "/api/v1/workspaces/{workspaceId}/members/{userId}", null,            [SignIn,     NotAdmin,   NotAdmin,   NotAdmin,   Ok,         Hidden,     KeyRefused, Hidden],     ChangeMemberPermission),
        Api("DELETE", "/api/v1/workspaces/{workspaceId}/members/{userId}", "remove someone else", [SignIn, NotAdmin, NotAdmin,  NotAdmin,   NoContent,  Hidden,     KeyRefused, Hidden],     RemoveMember),
        Api("DELETE", "/api/v1/workspaces/{workspaceId}/members/{userId}", "leave: a stand-in removes themselves", [SignIn, NoContent, NoContent, NoContent, NoContent, Hidden, KeyRefused, Hidden], LeaveWorkspace),

        // ---- Permissions. Everyone in the workspace reads them; only Admins manage them. ----
        //                                                                                Anonymous   Viewer      Member      ReadOnly    Admin       OtherAdmin  ApiKey      OtherKey
        Api("GET", "/api/v1/workspaces/{workspaceId}/permissions", null,                   [SignIn,     Ok,         Ok,         Ok,         Ok,         Hidden,     KeyRefused, Hidden],     Send(HttpMethod.Get, s => $"{s.Api}/permissions")),
        Api("GET", "/api/v1/workspaces/{workspaceId}/permissions/{permissionId}", null,    [SignIn,     Ok,         Ok,         Ok,         Ok,         Hidden,     KeyRefused, Hidden],     Send(HttpMethod.Get, s => $"{s.Api}/permissions/{s.PermissionIds[AuthorizationScenario.ReadOnlyPermissionName]}")),
        Api("POST", "/api/v1/workspaces/{workspaceId}/permissions", null,                  [SignIn,     NotAdmin,   NotAdmin,   NotAdmin,   Created,    Hidden,     KeyRefused, Hidden],     CreatePermission),
        Api("PATCH", "/api/v1/workspaces/{workspaceId}/permissions/{permissionId}", null,  [SignIn,     NotAdmin,   NotAdmin,   NotAdmin,   Ok,         Hidden,     KeyRefused, Hidden],     RenamePermission),
        Api("DELETE", "/api/v1/workspaces/{workspaceId}/permissions/{permissionId}", null, [SignIn,     NotAdmin,   NotAdmin,   NotAdmin,   NoContent,  Hidden,     KeyRefused, Hidden],     DeletePermission),

        // ---- The caller's access, and the authorization API: members ask about themselves, API keys about anyone. ----
        //                                                                                Anonymous   Viewer      Member      ReadOnly    Admin       OtherAdmin  ApiKey      OtherKey
        Api("GET", "/api/v1/workspaces/{workspaceId}/access", null,                        [SignIn,     Ok,         Ok,         Ok,         Ok,         Hidden,     KeyRefused, Hidden],     Send(HttpMethod.Get, s => $"{s.Api}/access")),
        Api("POST", "/api/v1/workspaces/{workspaceId}/authorize", AboutThemselves,         [SignIn,     Ok,         Ok,         Ok,         Ok,         Hidden,     Ok,         Hidden],     Authorize(batch: false, aboutThemselves: true)),
        Api("POST", "/api/v1/workspaces/{workspaceId}/authorize", AboutSomeoneElse,        [SignIn,     SelfOnly,   SelfOnly,   SelfOnly,   SelfOnly,   Hidden,     Ok,         Hidden],     Authorize(batch: false, aboutThemselves: false)),
        Api("POST", "/api/v1/workspaces/{workspaceId}/authorize/batch", AboutThemselves,   [SignIn,     Ok,         Ok,         Ok,         Ok,         Hidden,     Ok,         Hidden],     Authorize(batch: true, aboutThemselves: true)),
        Api("POST", "/api/v1/workspaces/{workspaceId}/authorize/batch", AboutSomeoneElse,  [SignIn,     SelfOnly,   SelfOnly,   SelfOnly,   SelfOnly,   Hidden,     Ok,         Hidden],     Authorize(batch: true, aboutThemselves: false)),

        // ---- API keys: Admins only. ----
        //                                                                                Anonymous   Viewer      Member      ReadOnly    Admin       OtherAdmin  ApiKey      OtherKey
        Api("GET", "/api/v1/workspaces/{workspaceId}/api-keys", null,                      [SignIn,     NotAdmin,   NotAdmin,   NotAdmin,   Ok,         Hidden,     KeyRefused, Hidden],     Send(HttpMethod.Get, s => $"{s.Api}/api-keys")),
        Api("POST", "/api/v1/workspaces/{workspaceId}/api-keys", null,                     [SignIn,     NotAdmin,   NotAdmin,   NotAdmin,   Created,    Hidden,     KeyRefused, Hidden],     CreateKey),
        Api("GET", "/api/v1/workspaces/{workspaceId}/api-keys/{keyId}", null,              [SignIn,     NotAdmin,   NotAdmin,   NotAdmin,   Ok,         Hidden,     KeyRefused, Hidden],     Send(HttpMethod.Get, s => $"{s.Api}/api-keys/{s.Key.Id}")),
        Api("DELETE", "/api/v1/workspaces/{workspaceId}/api-keys/{keyId}", null,           [SignIn,     NotAdmin,   NotAdmin,   NotAdmin,   NoContent,  Hidden,     KeyRefused, Hidden],     RevokeKey),

        // ---- The audit log: Admins only. ----
        //                                                                                Anonymous   Viewer      Member      ReadOnly    Admin       OtherAdmin  ApiKey      OtherKey
        Api("GET", "/api/v1/workspaces/{workspaceId}/audit-log", null,                     [SignIn,     NotAdmin,   NotAdmin,   NotAdmin,   Ok,         Hidden,     KeyRefused, Hidden],     Send(HttpMethod.Get, s => $"{s.Api}/audit-log")),
        Api("GET", "/api/v1/workspaces/{workspaceId}/audit-log/export", null,              [SignIn,     NotAdmin,   NotAdmin,   NotAdmin,   Ok,         Hidden,     KeyRefused, Hidden],     Send(HttpMethod.Get, s => $"{s.Api}/audit-log/export?format=csv")),

        // ---- Invitation links: Admins only. The invitation itself: the token is the credential. ----
        //                                                                                Anonymous   Viewer      Member      ReadOnly    Admin       OtherAdmin  ApiKey      OtherKey
        Api("GET", "/api/v1/workspaces/{workspaceId}/invitation-links", null,              [SignIn,     NotAdmin,   NotAdmin,   NotAdmin,   Ok,         Hidden,     KeyRefused, Hidden],     Send(HttpMethod.Get, s => $"{s.Api}/invitation-links")),
        Api("POST", "/api/v1/workspaces/{workspaceId}/invitation-links", null,             [SignIn,     NotAdmin,   NotAdmin,   NotAdmin,   Created,    Hidden,     KeyRefused, Hidden],     Send(HttpMethod.Post, s => $"{s.Api}/invitation-links", _ => new { permission = "Viewer" })),
        Api("GET", "/api/v1/workspaces/{workspaceId}/invitation-links/{linkId}", null,     [SignIn,     NotAdmin,   NotAdmin,   NotAdmin,   Ok,         Hidden,     KeyRefused, Hidden],     Send(HttpMethod.Get, s => $"{s.Api}/invitation-links/{s.Link.Id}")),
        Api("DELETE", "/api/v1/workspaces/{workspaceId}/invitation-links/{linkId}", null,  [SignIn,     NotAdmin,   NotAdmin,   NotAdmin,   NoContent,  Hidden,     KeyRefused, Hidden],     RevokeLink),
        Api("GET", "/api/v1/invitations/{token}", null,                                    [Ok,         AlreadyMember, AlreadyMember, AlreadyMember, AlreadyMember, Ok,   KeyRefused, KeyRefused], Send(HttpMethod.Get, s => $"/api/v1/invitations/{ApiClient.TokenOf(s.Link)}")),
        Api("POST", "/api/v1/invitations/{token}/accept", "a link to a workspace of its own", [SignIn,   Ok,         Ok,         Ok,         Ok,         Ok,         KeyRefused, KeyRefused], AcceptInvitation),

        // ---- Email invitations: Admins manage them; the invited person's routes take the token, bound to one address
        // (an invitation to an address no caller has: every signed-in caller is told it is for another address). ----
        //                                                                                Anonymous   Viewer      Member      ReadOnly    Admin       OtherAdmin  ApiKey      OtherKey
        Api("GET", "/api/v1/workspaces/{workspaceId}/email-invitations", null,             [SignIn,     NotAdmin,   NotAdmin,   NotAdmin,   Ok,         Hidden,     KeyRefused, Hidden],     Send(HttpMethod.Get, s => $"{s.Api}/email-invitations")),
        Api("POST", "/api/v1/workspaces/{workspaceId}/email-invitations", null,            [SignIn,     NotAdmin,   NotAdmin,   NotAdmin,   Ok,         Hidden,     KeyRefused, Hidden],     Send(HttpMethod.Post, s => $"{s.Api}/email-invitations", _ => new { emails = new[] { TestUsers.NewEmail() }, permission = "Viewer" })),
        Api("POST", "/api/v1/workspaces/{workspaceId}/email-invitations/{invitationId}/resend", null, [SignIn, NotAdmin, NotAdmin, NotAdmin, Ok,       Hidden,     KeyRefused, Hidden],     EmailInvitationMatrix.Resend),
        Api("DELETE", "/api/v1/workspaces/{workspaceId}/email-invitations/{invitationId}", null, [SignIn, NotAdmin,  NotAdmin,   NotAdmin,   NoContent,  Hidden,     KeyRefused, Hidden],     EmailInvitationMatrix.Revoke),
        Api("GET", "/api/v1/email-invitations/{token}", "an invitation to another address", [Ok,        EmailInvitationMatrix.WrongAddress, EmailInvitationMatrix.WrongAddress, EmailInvitationMatrix.WrongAddress, EmailInvitationMatrix.WrongAddress, EmailInvitationMatrix.WrongAddress, KeyRefused, KeyRefused], EmailInvitationMatrix.Preview),
        Api("POST", "/api/v1/email-invitations/{token}/accept", "an invitation to another address", [SignIn, EmailInvitationMatrix.WrongAddress, EmailInvitationMatrix.WrongAddress, EmailInvitationMatrix.WrongAddress, EmailInvitationMatrix.WrongAddress, EmailInvitationMatrix.WrongAddress, KeyRefused, KeyRefused], EmailInvitationMatrix.Accept),
        Page("GET", "/invite/email/{token}", null, "an invitation to another address",     [Shown,      EmailInvitationMatrix.WrongAddressPage, EmailInvitationMatrix.WrongAddressPage, EmailInvitationMatrix.WrongAddressPage, EmailInvitationMatrix.WrongAddressPage, EmailInvitationMatrix.WrongAddressPage, PageForbidden, PageForbidden], EmailInvitationMatrix.OpenPage),
        Page("POST", "/invite/email/{token}", null, "an invitation to another address",    [ToLogin,    EmailInvitationMatrix.WrongAddressPage, EmailInvitationMatrix.WrongAddressPage, EmailInvitationMatrix.WrongAddressPage, EmailInvitationMatrix.WrongAddressPage, EmailInvitationMatrix.WrongAddressPage, PageForbidden, PageForbidden], EmailInvitationMatrix.JoinOnThePage),
        Page("POST", "/w/{workspaceId}/settings/workspace", "ResendEmailInvitation", null, [ToLogin, PageForbidden, PageForbidden, PageForbidden, Done, PageHidden, PageForbidden, PageForbidden], EmailInvitationMatrix.ResendOnThePage),
        Page("POST", "/w/{workspaceId}/settings/workspace", "RevokeEmailInvitation", null, [ToLogin, PageForbidden, PageForbidden, PageForbidden, Done, PageHidden, PageForbidden, PageForbidden], EmailInvitationMatrix.RevokeOnThePage),

        // ---- The plan: everyone in the workspace reads it (the operator changes it from the command line). ----
        //                                                                                Anonymous   Viewer      Member      ReadOnly    Admin       OtherAdmin  ApiKey      OtherKey
        Api("GET", "/api/v1/workspaces/{workspaceId}/plan", null,                          [SignIn,     Ok,         Ok,         Ok,         Ok,         Hidden,     KeyRefused, Hidden],     Send(HttpMethod.Get, s => $"{s.Api}/plan")),

        // ---- Pages outside workspaces. API keys are for the authorization API only: every page refuses them. ----
        //                                                                                Anonymous   Viewer      Member      ReadOnly    Admin       OtherAdmin  ApiKey         OtherKey
        Page("GET", "/", null, null,                                                       [ToLogin,    ToWorkspace, ToWorkspace, ToWorkspace, ToWorkspace, ToWorkspace, PageForbidden, PageForbidden], Visit(_ => "/")),
        Page("POST", "/", null, null,                                                      [ToLogin,    ToWorkspace, ToWorkspace, ToWorkspace, ToWorkspace, ToWorkspace, PageForbidden, PageForbidden], Submit(_ => "/")),
        Page("GET", "/account", null, null,                                                [ToLogin,    Shown,      Shown,      Shown,      Shown,      Shown,      PageForbidden, PageForbidden], Visit(_ => "/account")),
        Page("GET", "/account/sessions", null, null,                                       [ToLogin,    Shown,      Shown,      Shown,      Shown,      Shown,      PageForbidden, PageForbidden], Visit(_ => "/account/sessions")),
        Page("POST", "/account/sessions", "End", "a second session of the caller",         [ToLogin,    Done,       Done,       Done,       Done,       Done,       PageForbidden, PageForbidden], EndSessionOnThePage),
        Page("POST", "/account/sessions", "SignOutEverywhere", "a stand-in's sessions",    [ToLogin,    SignedOut,  SignedOut,  SignedOut,  SignedOut,  SignedOut,  PageForbidden, PageForbidden], SignOutEverywhereOnThePage),
        Page("POST", "/account", "Name", "an empty name",                                   [ToLogin,    Shown,      Shown,      Shown,      Shown,      Shown,      PageForbidden, PageForbidden], Submit(_ => "/account?handler=Name")),
        Page("POST", "/account", "Email", "an empty address",                               [ToLogin,    Shown,      Shown,      Shown,      Shown,      Shown,      PageForbidden, PageForbidden], Submit(_ => "/account?handler=Email")),
        Page("POST", "/account", "Resend", "nothing pending",                               [ToLogin,    Done,       Done,       Done,       Done,       Done,       PageForbidden, PageForbidden], Submit(_ => "/account?handler=Resend")),
        Page("POST", "/account", "Cancel", "nothing pending",                               [ToLogin,    Done,       Done,       Done,       Done,       Done,       PageForbidden, PageForbidden], Submit(_ => "/account?handler=Cancel")),
        Page("GET", "/account/email-change", null, "no token",                              [Shown,      Shown,      Shown,      Shown,      Shown,      Shown,      PageForbidden, PageForbidden], Visit(_ => "/account/email-change")),
        Page("POST", "/account/email-change", null, "an unknown token",                     [Shown,      Shown,      Shown,      Shown,      Shown,      Shown,      PageForbidden, PageForbidden], Submit(_ => "/account/email-change", _ => new() { ["Token"] = new string('a', 43) })),
        Page("GET", "/account/password", null, null,                                       [ToLogin,    Shown,      Shown,      Shown,      Shown,      Shown,      PageForbidden, PageForbidden], Visit(_ => "/account/password")),
        Page("POST", "/account/password", "Change", "an empty form",                        [ToLogin,    Shown,      Shown,      Shown,      Shown,      Shown,      PageForbidden, PageForbidden], Submit(_ => "/account/password?handler=Change")),
        Page("POST", "/account/password", "SendLink", null,                                 [ToLogin,    Shown,      Shown,      Shown,      Shown,      Shown,      PageForbidden, PageForbidden], Submit(_ => "/account/password?handler=SendLink")),
        Page("GET", "/account/tokens", null, null,                                         [ToLogin,    Shown,      Shown,      Shown,      Shown,      Shown,      PageForbidden, PageForbidden], Visit(_ => "/account/tokens")),
        Page("POST", "/account/tokens", "Create", "an empty form",                          [ToLogin,    Shown,      Shown,      Shown,      Shown,      Shown,      PageForbidden, PageForbidden], Submit(_ => "/account/tokens?handler=Create")),
        Page("POST", "/account/tokens", "Revoke", "an unknown token",                       [ToLogin,    Shown,      Shown,      Shown,      Shown,      Shown,      PageForbidden, PageForbidden], Submit(_ => "/account/tokens?handler=Revoke", _ => new() { ["tokenId"] = Guid.NewGuid().ToString() })),
        Page("GET", "/login", null, null,                                                  [Shown,      ToRoot,     ToRoot,     ToRoot,     ToRoot,     ToRoot,     PageForbidden, PageForbidden], Visit(_ => "/login")),
        Page("POST", "/login", null, "wrong credentials",                                  [Shown,      Shown,      Shown,      Shown,      Shown,      Shown,      PageForbidden, PageForbidden], Submit(_ => "/login", _ => new() { ["Email"] = TestUsers.NewEmail(), ["Password"] = "not-the-password" })),
        Page("GET", "/signup", null, null,                                                 [Shown,      ToRoot,     ToRoot,     ToRoot,     ToRoot,     ToRoot,     PageForbidden, PageForbidden], Visit(_ => "/signup")),
        Page("POST", "/signup", null, "an empty form",                                     [Shown,      Shown,      Shown,      Shown,      Shown,      Shown,      PageForbidden, PageForbidden], Submit(_ => "/signup")),
        Page("GET", "/logout", null, null,                                                 [Shown,      Shown,      Shown,      Shown,      Shown,      Shown,      PageForbidden, PageForbidden], Visit(_ => "/logout")),
        Page("POST", "/logout", null, "a second session of the caller",                    [SignedOut,  SignedOut,  SignedOut,  SignedOut,  SignedOut,  SignedOut,  PageForbidden, PageForbidden], SignOut),
        Page("GET", "/forgot-password", null, null,                                        [Shown,      Shown,      Shown,      Shown,      Shown,      Shown,      PageForbidden, PageForbidden], Visit(_ => "/forgot-password")),
        Page("POST", "/forgot-password", null, null,                                       [Shown,      Shown,      Shown,      Shown,      Shown,      Shown,      PageForbidden, PageForbidden], Submit(_ => "/forgot-password", s => new() { ["Email"] = s.Outsider.Email })),
        Page("GET", "/reset-password", null, null,                                         [Shown,      Shown,      Shown,      Shown,      Shown,      Shown,      PageForbidden, PageForbidden], Visit(_ => "/reset-password")),
        Page("POST", "/reset-password", null, "an invalid code",                           [Shown,      Shown,      Shown,      Shown,      Shown,      Shown,      PageForbidden, PageForbidden], Submit(_ => "/reset-password", s => new() { ["Email"] = s.Outsider.Email, ["Code"] = "invalid", ["Password"] = "a-new-password-1234" })),
        Page("GET", "/confirm-email", null, null,                                          [Shown,      Shown,      Shown,      Shown,      Shown,      Shown,      PageForbidden, PageForbidden], Visit(_ => "/confirm-email")),
        Page("POST", "/confirm-email", null, "an invalid code",                            [Shown,      Shown,      Shown,      Shown,      Shown,      Shown,      PageForbidden, PageForbidden], Submit(_ => "/confirm-email", s => new() { ["UserId"] = s.Outsider.Id.ToString(), ["Code"] = "invalid" })),
        Page("GET", "/login/email", null, null,                                            [Shown,      ToRoot,     ToRoot,     ToRoot,     ToRoot,     ToRoot,     PageForbidden, PageForbidden], Visit(_ => "/login/email")),
        Page("POST", "/login/email", null, "a new address",                                [Done,       Done,       Done,       Done,       Done,       Done,       PageForbidden, PageForbidden], Submit(_ => "/login/email", _ => new() { ["Email"] = TestUsers.NewEmail() })),
        Page("GET", "/login/email/code", null, null,                                       [Shown,      Shown,      Shown,      Shown,      Shown,      Shown,      PageForbidden, PageForbidden], Visit(_ => "/login/email/code")),
        Page("POST", "/login/email/code", null, "no request of this browser",              [Shown,      Shown,      Shown,      Shown,      Shown,      Shown,      PageForbidden, PageForbidden], Submit(_ => "/login/email/code", _ => new() { ["Code"] = "00000000" })),
        Page("GET", "/login/email/confirm", null, "an unknown link",                       [Shown,      Shown,      Shown,      Shown,      Shown,      Shown,      PageForbidden, PageForbidden], Visit(_ => $"/login/email/confirm?token={new string('A', 43)}")),
        Page("POST", "/login/email/confirm", null, "an unknown link",                      [Shown,      Shown,      Shown,      Shown,      Shown,      Shown,      PageForbidden, PageForbidden], Submit(_ => "/login/email/confirm", _ => new() { ["Token"] = new string('A', 43) })),
        Page("POST", "/login/external", null, "a provider that is not configured", [PageHidden, PageHidden, PageHidden, PageHidden, PageHidden, PageHidden, PageForbidden, PageForbidden], Submit(_ => "/login/external", _ => new() { ["provider"] = "none" })),
        Page("GET", "/login/external/callback", null, "no provider's sign-in to finish", [Shown, Shown, Shown, Shown, Shown, Shown, PageForbidden, PageForbidden], Visit(_ => "/login/external/callback")),
        Page("GET", "/login/external/failed", null, null,                                  [Shown,      Shown,      Shown,      Shown,      Shown,      Shown,      PageForbidden, PageForbidden], Visit(_ => "/login/external/failed")),
        Page("GET", "/account/sign-in-methods", null, null,                                [ToLogin,    Shown,      Shown,      Shown,      Shown,      Shown,      PageForbidden, PageForbidden], Visit(_ => "/account/sign-in-methods")),
        Page("POST", "/account/sign-in-methods", "Link", "a provider that is not configured", [ToLogin, PageHidden, PageHidden, PageHidden, PageHidden, PageHidden, PageForbidden, PageForbidden], Submit(_ => "/account/sign-in-methods?handler=Link", _ => new() { ["provider"] = "none" })),
        Page("POST", "/account/sign-in-methods", "Unlink", "an identity that is not the caller's", [ToLogin, PageHidden, PageHidden, PageHidden, PageHidden, PageHidden, PageForbidden, PageForbidden], Submit(_ => "/account/sign-in-methods?handler=Unlink", _ => new() { ["id"] = Guid.NewGuid().ToString() })),
        Page("GET", "/account/proven", null, null,                                         [ToLogin,    Shown,      Shown,      Shown,      Shown,      Shown,      PageForbidden, PageForbidden], Visit(_ => "/account/proven")),
        Page("GET", "/verify-email", null, null,                                           [ToLogin,    ToRoot,     ToRoot,     ToRoot,     ToRoot,     ToRoot,     PageForbidden, PageForbidden], Visit(_ => "/verify-email")),
        Page("POST", "/verify-email", null, null,                                          [ToLogin,    ToRoot,     ToRoot,     ToRoot,     ToRoot,     ToRoot,     PageForbidden, PageForbidden], Submit(_ => "/verify-email")),
        Page("GET", "/invite/{token}", null, null,                                         [Shown,      Shown,      Shown,      Shown,      Shown,      Shown,      PageForbidden, PageForbidden], Visit(s => $"/invite/{ApiClient.TokenOf(s.Link)}")),
        Page("POST", "/invite/{token}", null, "a link to a workspace of its own",          [ToLogin,    ToWorkspace, ToWorkspace, ToWorkspace, ToWorkspace, ToWorkspace, PageForbidden, PageForbidden], JoinOnThePage),
        Page("GET", "/error/{statusCode}", null, null,                                     [Shown,      Shown,      Shown,      Shown,      Shown,      Shown,      PageForbidden, PageForbidden], Visit(_ => "/error/404")),
        Page("POST", "/error/{statusCode}", null, null,                                    [Shown,      Shown,      Shown,      Shown,      Shown,      Shown,      PageForbidden, PageForbidden], Submit(_ => "/error/404")),

        // ---- Several workspaces (issue 8, part 5): Create workspace, for anyone signed in; API keys never reach pages. ----
        //                                                                                Anonymous   Viewer      Member      ReadOnly    Admin       OtherAdmin  ApiKey         OtherKey
        Page("GET", "/workspaces/new", null, null,                                         [ToLogin,    Shown,      Shown,      Shown,      Shown,      Shown,      PageForbidden, PageForbidden], Visit(_ => "/workspaces/new")),
        Page("POST", "/workspaces/new", null, "a new workspace's name",                    [ToLogin,    ToWorkspace, ToWorkspace, ToWorkspace, ToWorkspace, ToWorkspace, PageForbidden, PageForbidden], (s, caller) =>
        {
            var name = AuthorizationScenario.UniqueName("Created");
            return s.PageCallAsync(
                s.PageClientOf(caller), HttpMethod.Post, "/workspaces/new", form: new Dictionary<string, string> { ["Name"] = name },
                verify: async allowed => Assert.Equal(allowed, await s.WorkspaceNamedAsync(name)));
        }),

        // ---- Workspace pages: outside the workspace 404, a member lacking the capability 403, anonymous to /login. ----
        //                                                                                Anonymous   Viewer         Member         ReadOnly       Admin   OtherAdmin  ApiKey         OtherKey
        Page("GET", "/w/{workspaceId}", null, null,                                        [ToLogin,    Shown,         Shown,         Shown,         Shown,  PageHidden, PageForbidden, PageForbidden], Visit(s => s.Pages)),
        Page("GET", "/w/{workspaceId}/settings/workspace", null, null,                     [ToLogin,    Shown,         Shown,         Shown,         Shown,  PageHidden, PageForbidden, PageForbidden], Visit(s => $"{s.Pages}/settings/workspace")),
        Page("POST", "/w/{workspaceId}/settings/workspace", "Revoke", null,                [ToLogin,    PageForbidden, PageForbidden, PageForbidden, Done,   PageHidden, PageForbidden, PageForbidden], RevokeLinkOnThePage),
        Page("POST", "/w/{workspaceId}/settings/workspace", "Leave", "a stand-in leaves",  [ToLogin,    Done,          Done,          Done,          Done,   PageHidden, PageForbidden, PageForbidden], LeaveOnThePage),
        Page("POST", "/w/{workspaceId}/settings/workspace", "Rename", null,                [ToLogin,    PageForbidden, PageForbidden, PageForbidden, Done,   PageHidden, PageForbidden, PageForbidden], RenameWorkspaceOnThePage),
        Page("POST", "/w/{workspaceId}/settings/workspace", "Delete", "the Admin deletes one of their own", [ToLogin, PageForbidden, PageForbidden, PageForbidden, Done, PageHidden, PageForbidden, PageForbidden], DeleteWorkspaceOnThePage),
        Page("POST", "/w/{workspaceId}/onboarding", "Name", null,                          [ToLogin,    PageForbidden, PageForbidden, PageForbidden, ToWorkspace, PageHidden, PageForbidden, PageForbidden], SaveNameOnTheCard),
        Page("POST", "/w/{workspaceId}/onboarding", "Dismiss", null,                       [ToLogin,    ToWorkspace,   ToWorkspace,   ToWorkspace,   ToWorkspace, PageHidden, PageForbidden, PageForbidden], DismissTheCard),
        Page("POST", "/w/{workspaceId}/onboarding", "DismissEmailReminder", null,          [ToLogin,    ToWorkspace,   ToWorkspace,   ToWorkspace,   ToWorkspace, PageHidden, PageForbidden, PageForbidden], DismissTheEmailReminder),
        Page("GET", "/w/{workspaceId}/settings/members", null, null,                       [ToLogin,    Shown,         Shown,         Shown,         Shown,  PageHidden, PageForbidden, PageForbidden], Visit(s => $"{s.Pages}/settings/members")),
        Page("POST", "/w/{workspaceId}/settings/members", "ChangePermission", null,        [ToLogin,    PageForbidden, PageForbidden, PageForbidden, Done,   PageHidden, PageForbidden, PageForbidden], ChangePermissionOnThePage),
        Page("POST", "/w/{workspaceId}/settings/members", "Remove", null,                  [ToLogin,    PageForbidden, PageForbidden, PageForbidden, Done,   PageHidden, PageForbidden, PageForbidden], RemoveOnThePage),
        Page("GET", "/w/{workspaceId}/settings/permissions", null, null,                   [ToLogin,    PageForbidden, PageForbidden, PageForbidden, Shown,  PageHidden, PageForbidden, PageForbidden], Visit(s => $"{s.Pages}/settings/permissions")),
        Page("POST", "/w/{workspaceId}/settings/permissions", "Delete", null,              [ToLogin,    PageForbidden, PageForbidden, PageForbidden, Done,   PageHidden, PageForbidden, PageForbidden], DeletePermissionOnThePage),
        Page("GET", "/w/{workspaceId}/settings/permissions/new", null, null,               [ToLogin,    PageForbidden, PageForbidden, PageForbidden, Shown,  PageHidden, PageForbidden, PageForbidden], Visit(s => $"{s.Pages}/settings/permissions/new")),
        Page("POST", "/w/{workspaceId}/settings/permissions/new", null, null,              [ToLogin,    PageForbidden, PageForbidden, PageForbidden, Done,   PageHidden, PageForbidden, PageForbidden], CreatePermissionOnThePage),
        Page("GET", "/w/{workspaceId}/settings/permissions/{permissionId}", null, null,    [ToLogin,    PageForbidden, PageForbidden, PageForbidden, Shown,  PageHidden, PageForbidden, PageForbidden], Visit(s => $"{s.Pages}/settings/permissions/{s.PermissionIds[AuthorizationScenario.ReadOnlyPermissionName]}")),
        Page("POST", "/w/{workspaceId}/settings/permissions/{permissionId}", null, null,   [ToLogin,    PageForbidden, PageForbidden, PageForbidden, Done,   PageHidden, PageForbidden, PageForbidden], EditPermissionOnThePage),
        Page("GET", "/w/{workspaceId}/settings/audit-log", null, null,                     [ToLogin,    PageForbidden, PageForbidden, PageForbidden, Shown,  PageHidden, PageForbidden, PageForbidden], Visit(s => $"{s.Pages}/settings/audit-log")),
        Page("GET", "/w/{workspaceId}/settings/api-keys", null, null,                      [ToLogin,    PageForbidden, PageForbidden, PageForbidden, Shown,  PageHidden, PageForbidden, PageForbidden], Visit(s => $"{s.Pages}/settings/api-keys")),
        Page("POST", "/w/{workspaceId}/settings/api-keys", "Create", null,                 [ToLogin,    PageForbidden, PageForbidden, PageForbidden, Done,   PageHidden, PageForbidden, PageForbidden], CreateKeyOnThePage),
        Page("POST", "/w/{workspaceId}/settings/api-keys", "Revoke", null,                 [ToLogin,    PageForbidden, PageForbidden, PageForbidden, Done,   PageHidden, PageForbidden, PageForbidden], RevokeKeyOnThePage),
        Page("GET", "/w/{workspaceId}/settings/plan", null, null,                          [ToLogin,    Shown,         Shown,         Shown,         Shown,  PageHidden, PageForbidden, PageForbidden], Visit(s => $"{s.Pages}/settings/plan")),

        // ---- Company domains and join requests (issue 8). The scenario's people are members already and share no company
        // domain, so asking to join answers 404 as for any workspace not discoverable; deciding an unknown request is 404. ----
        //                                                                                Anonymous   Viewer         Member         ReadOnly       Admin       OtherAdmin  ApiKey         OtherKey
        Api("GET", "/api/v1/me/discoverable-workspaces", null,                             [SignIn,     Ok,            Ok,            Ok,            Ok,         Ok,         KeyRefused,    KeyRefused], Send(HttpMethod.Get, _ => "/api/v1/me/discoverable-workspaces")),
        Api("POST", "/api/v1/workspaces/{workspaceId}/join-requests", "not discoverable for the caller", [SignIn, Hidden, Hidden,       Hidden,        Hidden,     Hidden,     KeyRefused,    KeyRefused],     Send(HttpMethod.Post, s => $"{s.Api}/join-requests")),
        Api("GET", "/api/v1/workspaces/{workspaceId}/join-requests", null,                 [SignIn,     NotAdmin,      NotAdmin,      NotAdmin,      Ok,         Hidden,     KeyRefused,    Hidden],     Send(HttpMethod.Get, s => $"{s.Api}/join-requests")),
        Api("POST", "/api/v1/workspaces/{workspaceId}/join-requests/{requestId}/approve", "an unknown request", [SignIn, NotAdmin, NotAdmin, NotAdmin, NoJoinRequest, Hidden, KeyRefused, Hidden], Send(HttpMethod.Post, s => $"{s.Api}/join-requests/{Guid.NewGuid()}/approve", _ => new { permission = "Member" })),
        Api("POST", "/api/v1/workspaces/{workspaceId}/join-requests/{requestId}/decline", "an unknown request", [SignIn, NotAdmin, NotAdmin, NotAdmin, NoJoinRequest, Hidden, KeyRefused, Hidden], Send(HttpMethod.Post, s => $"{s.Api}/join-requests/{Guid.NewGuid()}/decline")),
        Api("GET", "/api/v1/workspaces/{workspaceId}/notifications", null,                 [SignIn,     NotAdmin,      NotAdmin,      NotAdmin,      Ok,         Hidden,     KeyRefused,    Hidden],     Send(HttpMethod.Get, s => $"{s.Api}/notifications")),
        Api("PUT", "/api/v1/workspaces/{workspaceId}/notifications", null,                 [SignIn,     NotAdmin,      NotAdmin,      NotAdmin,      Ok,         Hidden,     KeyRefused,    Hidden],     Send(HttpMethod.Put, s => $"{s.Api}/notifications", _ => new { joinNotices = true })),
        Page("GET", "/discover", null, "nothing to discover",                              [ToLogin,    ToRoot,        ToRoot,        ToRoot,        ToRoot,     ToRoot,     PageForbidden, PageForbidden], Visit(_ => "/discover")),
        Page("POST", "/discover", "Join", "a workspace not discoverable for the caller",   [ToLogin,    ToRoot,        ToRoot,        ToRoot,        ToRoot,     ToRoot,     PageForbidden, PageForbidden], Submit(_ => "/discover?handler=Join", s => new() { ["workspaceId"] = s.Workspace.Id.ToString() })),
        Page("POST", "/discover", "Create", "the caller has a workspace",                  [ToLogin,    ToWorkspace,   ToWorkspace,   ToWorkspace,   ToWorkspace, ToWorkspace, PageForbidden, PageForbidden], Submit(_ => "/discover?handler=Create")),
        Page("GET", "/w/{workspaceId}/settings/workspace/join-settings", null, null,       [ToLogin,    PageForbidden, PageForbidden, PageForbidden, ToWorkspace, PageHidden, PageForbidden, PageForbidden], Visit(s => $"{s.Pages}/settings/workspace/join-settings")),
        Page("POST", "/w/{workspaceId}/settings/workspace/join-settings", "Domain", "the policy kept", [ToLogin, PageForbidden, PageForbidden, PageForbidden, Done, PageHidden, PageForbidden, PageForbidden], Submit(s => $"{s.Pages}/settings/workspace/join-settings?handler=Domain", _ => new() { ["CompanyDomain"] = "", ["JoinPolicy"] = "request" })),
        Page("POST", "/w/{workspaceId}/settings/workspace/join-settings", "Approve", "an unknown request", [ToLogin, PageForbidden, PageForbidden, PageForbidden, Done, PageHidden, PageForbidden, PageForbidden], Submit(s => $"{s.Pages}/settings/workspace/join-settings?handler=Approve&requestId={Guid.NewGuid()}", _ => new() { ["Permission"] = "Member" })),
        Page("POST", "/w/{workspaceId}/settings/workspace/join-settings", "Decline", "an unknown request", [ToLogin, PageForbidden, PageForbidden, PageForbidden, Done, PageHidden, PageForbidden, PageForbidden], Submit(s => $"{s.Pages}/settings/workspace/join-settings?handler=Decline&requestId={Guid.NewGuid()}")),
        Page("POST", "/w/{workspaceId}/settings/workspace/join-settings", "Notices", null, [ToLogin,    PageForbidden, PageForbidden, PageForbidden, Done,       PageHidden, PageForbidden, PageForbidden], Submit(s => $"{s.Pages}/settings/workspace/join-settings?handler=Notices", _ => new() { ["JoinNotices"] = "true" })),
    ];

    public static MatrixRow Find(string name) => Rows.Single(row => row.Name == name);

    private static MatrixRow Api(string method, string route, string? variant, Outcome[] outcomes, Func<AuthorizationScenario, Caller, Task<PreparedCall>> prepare) =>
        Row(method, route, handler: null, variant, outcomes, prepare);

    private static MatrixRow Page(string method, string route, string? handler, string? variant, Outcome[] outcomes, Func<AuthorizationScenario, Caller, Task<PreparedCall>> prepare) =>
        Row(method, route, handler, variant, outcomes, prepare);

    private static MatrixRow Row(string method, string route, string? handler, string? variant, Outcome[] outcomes, Func<AuthorizationScenario, Caller, Task<PreparedCall>> prepare) =>
        outcomes.Length == Enum.GetValues<Caller>().Length
            ? new MatrixRow(method, route, handler, variant, outcomes, prepare)
            : throw new ArgumentException($"{method} {route}: {outcomes.Length} outcomes for {Enum.GetValues<Caller>().Length} callers.", nameof(outcomes));

    // ---- How each row builds its request. ----

    private static PreparedCall Call(HttpClient client, HttpMethod method, string path, object? json = null, Func<bool, Task>? verify = null) =>
        new(client, new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = json is null ? null : JsonContent.Create(json) }, verify);

    /// <summary>An API request as the caller, with a JSON body when given.</summary>
    private static Func<AuthorizationScenario, Caller, Task<PreparedCall>> Send(
        HttpMethod method, Func<AuthorizationScenario, string> path, Func<AuthorizationScenario, object>? body = null) =>
        (s, caller) => Task.FromResult(Call(s.ApiClientOf(caller), method, path(s), body?.Invoke(s)));

    /// <summary>A page opened by the caller's browser.</summary>
    private static Func<AuthorizationScenario, Caller, Task<PreparedCall>> Visit(Func<AuthorizationScenario, string> path) =>
        (s, caller) => s.PageCallAsync(s.PageClientOf(caller), HttpMethod.Get, path(s));

    /// <summary>A page's form posted by the caller's browser, with its antiforgery token.</summary>
    private static Func<AuthorizationScenario, Caller, Task<PreparedCall>> Submit(
        Func<AuthorizationScenario, string> path, Func<AuthorizationScenario, Dictionary<string, string>>? form = null) =>
        (s, caller) => s.PageCallAsync(s.PageClientOf(caller), HttpMethod.Post, path(s), form: form?.Invoke(s));

    private static Task<PreparedCall> Register(AuthorizationScenario s, Caller caller)
    {
        var email = TestUsers.NewEmail();
        return Task.FromResult(Call(
            s.ApiClientOf(caller), HttpMethod.Post, "/api/v1/auth/register", new { email, password = TestUsers.Password },
            async allowed => Assert.Equal(allowed, await s.AccountExistsAsync(email))));
    }

    /// <summary>The verification link's code and the account's password, posted: anyone holding both confirms the address (they are the secrets).</summary>
    private static async Task<PreparedCall> ConfirmEmail(AuthorizationScenario s, Caller caller)
    {
        var account = await s.FreshAccountAsync();
        var code = await s.IdentityCodeAsync(account, (users, user) => users.GenerateEmailConfirmationTokenAsync(user));
        return Call(
            s.ApiClientOf(caller), HttpMethod.Post, "/api/v1/auth/confirm-email", new { userId = account.Id.ToString(), code, password = TestUsers.Password },
            verify: async allowed => Assert.Equal(allowed, (await s.App.FindUserAsync(account.Email!)).EmailConfirmed));
    }

    private static async Task<PreparedCall> ResetPassword(AuthorizationScenario s, Caller caller)
    {
        var account = await s.FreshAccountAsync(emailConfirmed: true);
        var code = await s.IdentityCodeAsync(account, (users, user) => users.GeneratePasswordResetTokenAsync(user));
        return Call(
            s.ApiClientOf(caller), HttpMethod.Post, "/api/v1/auth/reset-password",
            new { email = account.Email, resetCode = code, newPassword = "a-new-password-5e1d" },
            async allowed => Assert.Equal(allowed, (await s.App.FindUserAsync(account.Email!)).PasswordHash != account.PasswordHash));
    }

    /// <summary>Signing out ends the caller's session: a stand-in holding the caller's permission signs out, not the scenario's person.</summary>
    private static async Task<PreparedCall> Logout(AuthorizationScenario s, Caller caller)
    {
        var client = await s.StandInAsync(caller) is { } standIn ? standIn.Client : s.ApiClientOf(caller);
        return Call(client, HttpMethod.Post, "/api/v1/auth/logout", new { });
    }

    private static Task<PreparedCall> CreateWorkspace(AuthorizationScenario s, Caller caller)
    {
        var name = AuthorizationScenario.UniqueName("Team");
        return Task.FromResult(Call(
            s.ApiClientOf(caller), HttpMethod.Post, "/api/v1/workspaces", new { name },
            async allowed => Assert.Equal(allowed, await s.WorkspaceNamedAsync(name))));
    }

    /// <summary>
    /// The Admin renames (or deletes) a workspace of their own, made for the row, so the scenario's workspace keeps its
    /// name and its rows; everyone else tries it on the scenario's workspace, which must stay as it was.
    /// </summary>
    private static async Task<Guid> WorkspaceToChangeAsync(AuthorizationScenario s, Caller caller) =>
        caller == Caller.Admin ? (await s.Admin.Client.CreateWorkspaceAsync(AuthorizationScenario.UniqueName("Own"))).Id : s.Workspace.Id;

    private static async Task<PreparedCall> RenameWorkspace(AuthorizationScenario s, Caller caller)
    {
        var workspaceId = await WorkspaceToChangeAsync(s, caller);
        var name = AuthorizationScenario.UniqueName("Renamed");
        return Call(
            s.ApiClientOf(caller), HttpMethod.Patch, $"/api/v1/workspaces/{workspaceId}", new { name },
            async allowed => Assert.Equal(allowed, await s.WorkspaceNamedAsync(name)));
    }

    private static async Task<PreparedCall> DeleteWorkspace(AuthorizationScenario s, Caller caller)
    {
        var workspaceId = await WorkspaceToChangeAsync(s, caller);
        return Call(
            s.ApiClientOf(caller), HttpMethod.Delete, $"/api/v1/workspaces/{workspaceId}",
            verify: async allowed => Assert.Equal(!allowed, await s.WorkspaceExistsAsync(workspaceId)));
    }

    private static async Task<PreparedCall> RenameWorkspaceOnThePage(AuthorizationScenario s, Caller caller)
    {
        var workspaceId = await WorkspaceToChangeAsync(s, caller);
        var name = AuthorizationScenario.UniqueName("Renamed");
        return await s.PageCallAsync(
            s.PageClientOf(caller), HttpMethod.Post, $"/w/{workspaceId}/settings/workspace", "Rename", new Dictionary<string, string> { ["Name"] = name },
            verify: async allowed => Assert.Equal(allowed, await s.WorkspaceNamedAsync(name)));
    }

    private static async Task<PreparedCall> SaveNameOnTheCard(AuthorizationScenario s, Caller caller)
    {
        var workspaceId = await WorkspaceToChangeAsync(s, caller);
        var name = AuthorizationScenario.UniqueName("Named");
        return await s.PageCallAsync(
            s.PageClientOf(caller), HttpMethod.Post, $"/w/{workspaceId}/onboarding", "Name", new Dictionary<string, string> { ["Name"] = name },
            verify: async allowed => Assert.Equal(allowed, await s.WorkspaceNamedAsync(name)));
    }

    /// <summary>Dismissing the card is the caller's own: only their membership in the scenario workspace changes.</summary>
    private static async Task<PreparedCall> DismissTheCard(AuthorizationScenario s, Caller caller)
    {
        var userId = s.UserOf(caller)?.Id;
        return await s.PageCallAsync(
            s.PageClientOf(caller), HttpMethod.Post, $"{s.Pages}/onboarding", "Dismiss",
            verify: async allowed => Assert.Equal(allowed, await s.App.QueryAsync(db => db.Memberships.AnyAsync(
                m => m.WorkspaceId == s.Workspace.Id && m.UserId == userId && m.OnboardingDismissedAt != null, TestContext.Current.CancellationToken))));
    }

    /// <summary>Dismissing the email reminder is the caller's own; someone outside the workspace cannot post it there.</summary>
    private static async Task<PreparedCall> DismissTheEmailReminder(AuthorizationScenario s, Caller caller)
    {
        var user = s.UserOf(caller) is null ? null : await s.StandInAsync(caller);
        var client = user is null ? s.PageClientOf(caller) : await CookieSession.SignInAsync(s.App, user);
        var userId = user?.Id ?? Guid.Empty;
        return await s.PageCallAsync(
            client, HttpMethod.Post, $"{s.Pages}/onboarding", "DismissEmailReminder",
            verify: async allowed => Assert.Equal(allowed, await s.App.QueryAsync(db => db.Users.AnyAsync(
                u => u.Id == userId && u.EmailReminderDismissedAt != null, TestContext.Current.CancellationToken))));
    }

    private static async Task<PreparedCall> DeleteWorkspaceOnThePage(AuthorizationScenario s, Caller caller)
    {
        var workspaceId = await WorkspaceToChangeAsync(s, caller);
        var name = await s.App.QueryAsync(db => db.Workspaces.Where(w => w.Id == workspaceId).Select(w => w.Name).SingleAsync(TestContext.Current.CancellationToken));
        return await s.PageCallAsync(
            s.PageClientOf(caller), HttpMethod.Post, $"/w/{workspaceId}/settings/workspace", "Delete", new Dictionary<string, string> { ["ConfirmName"] = name },
            verify: async allowed => Assert.Equal(!allowed, await s.WorkspaceExistsAsync(workspaceId)));
    }

    private static async Task<PreparedCall> ChangeMemberPermission(AuthorizationScenario s, Caller caller)
    {
        var target = await s.FreshMemberAsync("Viewer");
        return Call(
            s.ApiClientOf(caller), HttpMethod.Patch, $"{s.Api}/members/{target.Id}", new { permission = "Member" },
            async allowed => Assert.Equal(s.PermissionIds[allowed ? "Member" : "Viewer"], await s.PermissionIdOfAsync(target.Id)));
    }

    private static async Task<PreparedCall> RemoveMember(AuthorizationScenario s, Caller caller)
    {
        var target = await s.FreshMemberAsync("Viewer");
        return Call(
            s.ApiClientOf(caller), HttpMethod.Delete, $"{s.Api}/members/{target.Id}",
            verify: async allowed => Assert.Equal(!allowed, await s.IsMemberAsync(s.Workspace.Id, target.Id)));
    }

    /// <summary>
    /// Leaving, as each caller: a fresh member holding the caller's permission deletes their own membership (so the
    /// scenario's members stay). The Admin of another workspace tries to leave this one; Anonymous and the API keys
    /// try to remove a fresh member.
    /// </summary>
    private static async Task<PreparedCall> LeaveWorkspace(AuthorizationScenario s, Caller caller)
    {
        var permission = AuthorizationScenario.PermissionOf(caller);
        var member = await s.FreshMemberAsync(permission ?? "Viewer");
        var client = permission is null ? s.ApiClientOf(caller) : member.Client;
        var userId = caller == Caller.AdminOfAnotherWorkspace ? s.AdminOfAnotherWorkspace.Id : member.Id;
        return Call(
            client, HttpMethod.Delete, $"{s.Api}/members/{userId}",
            verify: async allowed => Assert.Equal(!allowed, await s.IsMemberAsync(s.Workspace.Id, member.Id)));
    }

    private static Task<PreparedCall> CreatePermission(AuthorizationScenario s, Caller caller)
    {
        var name = AuthorizationScenario.UniqueName("Analyst");
        return Task.FromResult(Call(
            s.ApiClientOf(caller), HttpMethod.Post, $"{s.Api}/permissions", new { name, grants = new Dictionary<string, string[]> { ["analytics"] = ["read-only"] } },
            async allowed => Assert.Equal(allowed, await s.PermissionNamedAsync(name))));
    }

    private static async Task<PreparedCall> RenamePermission(AuthorizationScenario s, Caller caller)
    {
        var permission = await s.FreshPermissionAsync();
        var name = AuthorizationScenario.UniqueName("Renamed");
        return Call(
            s.ApiClientOf(caller), HttpMethod.Patch, $"{s.Api}/permissions/{permission.Id}", new { name },
            async allowed => Assert.Equal(allowed ? name : permission.Name, await s.PermissionNameAsync(permission.Id)));
    }

    private static async Task<PreparedCall> DeletePermission(AuthorizationScenario s, Caller caller)
    {
        var permission = await s.FreshPermissionAsync();
        return Call(
            s.ApiClientOf(caller), HttpMethod.Delete, $"{s.Api}/permissions/{permission.Id}",
            verify: async allowed => Assert.Equal(allowed ? null : permission.Name, await s.PermissionNameAsync(permission.Id)));
    }

    /// <summary>
    /// One question (or a batch of one) about the caller themselves, or about someone else in the workspace. The API
    /// keys, who are nobody, ask about the Viewer (themselves) or the Admin (someone else).
    /// </summary>
    private static Func<AuthorizationScenario, Caller, Task<PreparedCall>> Authorize(bool batch, bool aboutThemselves) => (s, caller) =>
    {
        var self = s.UserOf(caller)?.Id ?? s.Viewer.Id;
        var userId = aboutThemselves ? self : self == s.Admin.Id ? s.Viewer.Id : s.Admin.Id;
        var check = new { userId, menu = "ab-test", grant = "read-only" };
        return Task.FromResult(batch
            ? Call(s.ApiClientOf(caller), HttpMethod.Post, $"{s.Api}/authorize/batch", new { checks = new[] { check } })
            : Call(s.ApiClientOf(caller), HttpMethod.Post, $"{s.Api}/authorize", check));
    };

    private static Task<PreparedCall> CreateKey(AuthorizationScenario s, Caller caller)
    {
        var name = AuthorizationScenario.UniqueName("Flags service");
        return Task.FromResult(Call(
            s.ApiClientOf(caller), HttpMethod.Post, $"{s.Api}/api-keys", new { name },
            async allowed => Assert.Equal(allowed, await s.KeyNamedAsync(name))));
    }

    private static async Task<PreparedCall> RevokeKey(AuthorizationScenario s, Caller caller)
    {
        var key = await s.FreshKeyAsync();
        return Call(
            s.ApiClientOf(caller), HttpMethod.Delete, $"{s.Api}/api-keys/{key.Id}",
            verify: async allowed => Assert.Equal(allowed, await s.KeyRevokedAsync(key.Id)));
    }

    private static async Task<PreparedCall> RevokeLink(AuthorizationScenario s, Caller caller)
    {
        var link = await s.FreshLinkAsync();
        return Call(
            s.ApiClientOf(caller), HttpMethod.Delete, $"{s.Api}/invitation-links/{link.Id}",
            verify: async allowed => Assert.Equal(allowed, await s.LinkRevokedAsync(link.Id)));
    }

    private static async Task<PreparedCall> AcceptInvitation(AuthorizationScenario s, Caller caller)
    {
        var (lobby, token) = await s.FreshLobbyAsync();
        return Call(
            s.ApiClientOf(caller), HttpMethod.Post, $"/api/v1/invitations/{token}/accept",
            verify: async allowed => Assert.Equal(allowed ? 2 : 1, await s.MemberCountAsync(lobby.Id)));
    }

    /// <summary>
    /// The caller ends a second session of their own, opened for the row (anonymous callers and the keys aim at the
    /// outsider's): the scenario's sessions stay.
    /// </summary>
    private static async Task<PreparedCall> EndSession(AuthorizationScenario s, Caller caller)
    {
        var session = await SecondSessionAsync(s, s.UserOf(caller) ?? s.Outsider);
        return Call(
            s.ApiClientOf(caller), HttpMethod.Delete, $"/api/v1/me/sessions/{session}",
            verify: async allowed => Assert.Equal(allowed, await SessionEndedAsync(s, session)));
    }

    /// <summary>Sign out of all devices ends every session of the account: a stand-in holding the caller's permission asks.</summary>
    private static async Task<PreparedCall> RevokeAllSessions(AuthorizationScenario s, Caller caller)
    {
        var standIn = await s.StandInAsync(caller);
        return Call(
            standIn?.Client ?? s.ApiClientOf(caller), HttpMethod.Post, "/api/v1/me/sessions/revoke-all",
            verify: async allowed => Assert.Equal(allowed, standIn is not null && await LiveSessionsAsync(s, standIn.Id) == 0));
    }

    /// <summary><see cref="EndSession"/> on the page: the caller's browser ends a second session of theirs.</summary>
    private static async Task<PreparedCall> EndSessionOnThePage(AuthorizationScenario s, Caller caller)
    {
        var session = await SecondSessionAsync(s, s.UserOf(caller) ?? s.Outsider);
        return await s.PageCallAsync(
            s.PageClientOf(caller), HttpMethod.Post, "/account/sessions", "End", new Dictionary<string, string> { ["id"] = session.ToString() },
            async allowed => Assert.Equal(allowed, await SessionEndedAsync(s, session)));
    }

    /// <summary><see cref="RevokeAllSessions"/> on the page, from the stand-in's own browser.</summary>
    private static async Task<PreparedCall> SignOutEverywhereOnThePage(AuthorizationScenario s, Caller caller)
    {
        var standIn = await s.StandInAsync(caller);
        var client = standIn is null ? s.PageClientOf(caller) : await CookieSession.SignInAsync(s.App, standIn);
        return await s.PageCallAsync(
            client, HttpMethod.Post, "/account/sessions", "SignOutEverywhere",
            verify: async allowed => Assert.Equal(allowed, standIn is not null && await LiveSessionsAsync(s, standIn.Id) == 0));
    }

    /// <summary>Signs the user in once more (a bearer session) and returns that session's public id.</summary>
    private static async Task<Guid> SecondSessionAsync(AuthorizationScenario s, TestUser user)
    {
        var second = await TestUsers.LoginAsync(s.App, user.Email, user.Password);
        var sessions = await ApiClient.GetAsync<Roster.Features.Sessions.SessionListResponse>(second.Client, "/api/v1/me/sessions");
        return sessions.Items.Single(session => session.Current).Id;
    }

    private static Task<bool> SessionEndedAsync(AuthorizationScenario s, Guid session) =>
        s.App.QueryAsync(db => db.Sessions.Where(row => row.Id == session).Select(row => row.EndedAt != null).SingleAsync(TestContext.Current.CancellationToken));

    private static Task<int> LiveSessionsAsync(AuthorizationScenario s, Guid userId) =>
        s.App.QueryAsync(db => db.Sessions.CountAsync(row => row.UserId == userId && row.EndedAt == null, TestContext.Current.CancellationToken));

    /// <summary>Signing out ends the session it is posted from: a second session of the caller signs out, not the scenario's.</summary>
    private static async Task<PreparedCall> SignOut(AuthorizationScenario s, Caller caller)
    {
        var client = s.UserOf(caller) is { } user ? await CookieSession.SignInAsync(s.App, user) : s.PageClientOf(caller);
        return await s.PageCallAsync(client, HttpMethod.Post, "/logout");
    }

    private static async Task<PreparedCall> JoinOnThePage(AuthorizationScenario s, Caller caller)
    {
        var (lobby, token) = await s.FreshLobbyAsync();
        return await s.PageCallAsync(
            s.PageClientOf(caller), HttpMethod.Post, $"/invite/{token}",
            verify: async allowed => Assert.Equal(allowed ? 2 : 1, await s.MemberCountAsync(lobby.Id)));
    }

    private static async Task<PreparedCall> RevokeLinkOnThePage(AuthorizationScenario s, Caller caller)
    {
        var link = await s.FreshLinkAsync();
        return await s.PageCallAsync(
            s.PageClientOf(caller), HttpMethod.Post, $"{s.Pages}/settings/workspace", "Revoke", new Dictionary<string, string> { ["linkId"] = link.Id.ToString() },
            async allowed => Assert.Equal(allowed, await s.LinkRevokedAsync(link.Id)));
    }

    /// <summary>Leaving on the page, as <see cref="LeaveWorkspace"/> does on the API: a stand-in holding the caller's permission leaves.</summary>
    private static async Task<PreparedCall> LeaveOnThePage(AuthorizationScenario s, Caller caller)
    {
        var permission = AuthorizationScenario.PermissionOf(caller);
        var member = await s.FreshMemberAsync(permission ?? "Viewer");
        var client = permission is null ? s.PageClientOf(caller) : await CookieSession.SignInAsync(s.App, member);
        return await s.PageCallAsync(
            client, HttpMethod.Post, $"{s.Pages}/settings/workspace", "Leave",
            verify: async allowed => Assert.Equal(!allowed, await s.IsMemberAsync(s.Workspace.Id, member.Id)));
    }

    private static async Task<PreparedCall> ChangePermissionOnThePage(AuthorizationScenario s, Caller caller)
    {
        var target = await s.FreshMemberAsync("Viewer");
        // The permission by id: the API takes a name or an id, and a page's drop-down posts ids.
        var form = new Dictionary<string, string> { ["userId"] = target.Id.ToString(), ["permission"] = s.PermissionIds["Member"].ToString() };
        return await s.PageCallAsync(
            s.PageClientOf(caller), HttpMethod.Post, $"{s.Pages}/settings/members", "ChangePermission", form,
            async allowed => Assert.Equal(s.PermissionIds[allowed ? "Member" : "Viewer"], await s.PermissionIdOfAsync(target.Id)));
    }

    private static async Task<PreparedCall> RemoveOnThePage(AuthorizationScenario s, Caller caller)
    {
        var target = await s.FreshMemberAsync("Viewer");
        return await s.PageCallAsync(
            s.PageClientOf(caller), HttpMethod.Post, $"{s.Pages}/settings/members", "Remove", new Dictionary<string, string> { ["userId"] = target.Id.ToString() },
            async allowed => Assert.Equal(!allowed, await s.IsMemberAsync(s.Workspace.Id, target.Id)));
    }

    private static async Task<PreparedCall> DeletePermissionOnThePage(AuthorizationScenario s, Caller caller)
    {
        var permission = await s.FreshPermissionAsync();
        return await s.PageCallAsync(
            s.PageClientOf(caller), HttpMethod.Post, $"{s.Pages}/settings/permissions", "Delete", new Dictionary<string, string> { ["permissionId"] = permission.Id.ToString() },
            async allowed => Assert.Equal(allowed ? null : permission.Name, await s.PermissionNameAsync(permission.Id)));
    }

    /// <summary>
    /// The permission forms' field names are the pages' own (the contract fixes the handlers, not the fields), so an
    /// accepted post is checked by its answer only; a refused one must have created or changed nothing.
    /// </summary>
    private static async Task<PreparedCall> CreatePermissionOnThePage(AuthorizationScenario s, Caller caller)
    {
        var name = AuthorizationScenario.UniqueName("Analyst");
        return await s.PageCallAsync(
            s.PageClientOf(caller), HttpMethod.Post, $"{s.Pages}/settings/permissions/new", form: new Dictionary<string, string> { ["Name"] = name },
            verify: async allowed =>
            {
                if (!allowed)
                {
                    Assert.False(await s.PermissionNamedAsync(name));
                }
            });
    }

    private static async Task<PreparedCall> EditPermissionOnThePage(AuthorizationScenario s, Caller caller)
    {
        var permission = await s.FreshPermissionAsync();
        return await s.PageCallAsync(
            s.PageClientOf(caller), HttpMethod.Post, $"{s.Pages}/settings/permissions/{permission.Id}",
            form: new Dictionary<string, string> { ["Name"] = AuthorizationScenario.UniqueName("Renamed") },
            verify: async allowed =>
            {
                if (!allowed)
                {
                    Assert.Equal(permission.Name, await s.PermissionNameAsync(permission.Id));
                }
            });
    }

    private static async Task<PreparedCall> CreateKeyOnThePage(AuthorizationScenario s, Caller caller)
    {
        var name = AuthorizationScenario.UniqueName("Flags service");
        return await s.PageCallAsync(
            s.PageClientOf(caller), HttpMethod.Post, $"{s.Pages}/settings/api-keys", "Create", new Dictionary<string, string> { ["name"] = name },
            async allowed => Assert.Equal(allowed, await s.KeyNamedAsync(name)));
    }

    private static async Task<PreparedCall> RevokeKeyOnThePage(AuthorizationScenario s, Caller caller)
    {
        var key = await s.FreshKeyAsync();
        return await s.PageCallAsync(
            s.PageClientOf(caller), HttpMethod.Post, $"{s.Pages}/settings/api-keys", "Revoke", new Dictionary<string, string> { ["keyId"] = key.Id.ToString() },
            async allowed => Assert.Equal(allowed, await s.KeyRevokedAsync(key.Id)));
    }
}
