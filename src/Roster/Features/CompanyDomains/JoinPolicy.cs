namespace Roster.Features.CompanyDomains;

/// <summary>What a person with a verified email on a workspace's company domain may do (SPEC section 5).</summary>
public enum JoinPolicy
{
    /// <summary>They may ask to join; an Admin approves (with a permission) or declines. The default (and the column's).</summary>
    Request = 0,

    /// <summary>Nothing: the workspace is never shown to them, and nothing about it is revealed.</summary>
    Off = 1,

    /// <summary>They join at once as the workspace's auto-join permission (plans with <c>automatic-domain-join</c>).</summary>
    Automatic = 2,
}

/// <summary>The wire names of <see cref="JoinPolicy"/>: <c>off</c>, <c>request</c>, <c>automatic</c>.</summary>
public static class JoinPolicyNames
{
    public static string ToApiName(this JoinPolicy policy) => policy switch
    {
        JoinPolicy.Off => "off",
        JoinPolicy.Automatic => "automatic",
        _ => "request",
    };

    /// <summary>The policy of that wire name (ignoring case and surrounding spaces), or null.</summary>
    public static JoinPolicy? Parse(string? name) => (name ?? "").Trim().ToLowerInvariant() switch
    {
        "off" => JoinPolicy.Off,
        "request" => JoinPolicy.Request,
        "automatic" => JoinPolicy.Automatic,
        _ => null,
    };
}
