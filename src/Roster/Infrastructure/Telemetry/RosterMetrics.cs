using System.Diagnostics.Metrics;
using Roster.Features.Permissions;

namespace Roster.Infrastructure.Telemetry;

/// <summary>
/// Roster's own counters, on the meter <c>Roster</c> (exported over OTLP when telemetry is configured; see
/// <see cref="TelemetrySetup"/>). Each use case adds one line here after it has decided. Tag values are fixed words and
/// stable error codes, never a token, an address or an id, so a counter can never leak a secret or grow without bound.
/// </summary>
/// <remarks>
/// The meter is static so that a call site is one line and needs no constructor change: with no listener (telemetry
/// off) an <c>Add</c> costs a field read. Several apps in one process (the tests) share it; each exporter sees all.
/// </remarks>
public static class RosterMetrics
{
    /// <summary>The meter's name, to subscribe to (<c>AddMeter</c>).</summary>
    public const string MeterName = "Roster";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> SignIns = Meter.CreateCounter<long>(
        "roster.sign_ins", "{sign_in}", "Sign-in attempts that reached a decision, by method (password, email_code, oidc) and outcome (succeeded, failed, locked_out).");

    private static readonly Counter<long> InvitationsAccepted = Meter.CreateCounter<long>(
        "roster.invitations.accepted", "{invitation}", "Invitations accepted, by kind (link, email).");

    private static readonly Counter<long> InvitationsRefused = Meter.CreateCounter<long>(
        "roster.invitations.refused", "{invitation}", "Accepts refused, by kind (link, email) and the refusal's stable error code.");

    private static readonly Counter<long> AuthorizationDecisions = Meter.CreateCounter<long>(
        "roster.authorization.decisions", "{decision}", "Answers of the authorization API, by decision (allowed, denied).");

    /// <summary>A sign-in by password: its audit action (<c>sign_in.succeeded</c>, <c>sign_in.failed</c>, <c>sign_in.locked_out</c>).</summary>
    public static void PasswordSignIn(string auditAction) => SignIn("password", auditAction);

    /// <summary>A sign-in by Continue with email (code or link): its audit action, as <see cref="PasswordSignIn"/>.</summary>
    public static void EmailCodeSignIn(string auditAction) => SignIn("email_code", auditAction);

    /// <summary>A sign-in through an OpenID Connect provider: its audit action, as <see cref="PasswordSignIn"/>.</summary>
    public static void OpenIdConnectSignIn(string auditAction) => SignIn("oidc", auditAction);

    /// <summary>An invitation link accepted (the membership committed).</summary>
    public static void LinkAccepted() => InvitationsAccepted.Add(1, new KeyValuePair<string, object?>("kind", "link"));

    /// <summary>An email invitation accepted (the membership committed).</summary>
    public static void EmailInvitationAccepted() => InvitationsAccepted.Add(1, new KeyValuePair<string, object?>("kind", "email"));

    /// <summary>An accept of an invitation link refused, with the refusal's stable code (<c>invitation.expired</c>, ...).</summary>
    public static void LinkRefused(string code) =>
        InvitationsRefused.Add(1, new KeyValuePair<string, object?>("kind", "link"), new KeyValuePair<string, object?>("code", code));

    /// <summary>An accept of an email invitation refused, with the refusal's stable code.</summary>
    public static void EmailInvitationRefused(string code) =>
        InvitationsRefused.Add(1, new KeyValuePair<string, object?>("kind", "email"), new KeyValuePair<string, object?>("code", code));

    /// <summary>The authorization API's answers (one per question of a single or batch request).</summary>
    public static void Decided(IReadOnlyList<AccessDecision> decisions)
    {
        // The authorization API is a hot path: nothing is counted, nor enumerated, unless someone listens.
        if (!AuthorizationDecisions.Enabled)
        {
            return;
        }

        var allowed = 0;
        for (var i = 0; i < decisions.Count; i++)
        {
            allowed += decisions[i].Allowed ? 1 : 0;
        }

        AuthorizationDecisions.Add(allowed, new KeyValuePair<string, object?>("decision", "allowed"));
        AuthorizationDecisions.Add(decisions.Count - allowed, new KeyValuePair<string, object?>("decision", "denied"));
    }

    private static void SignIn(string method, string auditAction) => SignIns.Add(
        1,
        new KeyValuePair<string, object?>("method", method),
        new KeyValuePair<string, object?>("outcome", auditAction.StartsWith("sign_in.", StringComparison.Ordinal) ? auditAction["sign_in.".Length..] : auditAction));
}
