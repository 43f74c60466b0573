using Roster.Infrastructure.Errors;

namespace Roster.Features.CompanyDomains;

/// <summary>The refusals of Settings > Workspace's company domain and join policy, each with a stable code.</summary>
public static class CompanyDomainErrors
{
    public const string DomainField = "companyDomain";
    public const string PolicyField = "joinPolicy";
    public const string PermissionField = "autoJoinPermission";

    /// <summary>400: not a domain name (two or more labels of letters, digits and hyphens; an internationalised name is fine).</summary>
    public static readonly Error Invalid = WithField(
        "workspace.domain_invalid", ErrorKind.Validation, DomainField, "Enter a domain name such as acme.com, without @ or https://.");

    /// <summary>400: a public mail provider's domain (gmail.com, ...) says nothing about a company, so it is never one.</summary>
    public static readonly Error Public = WithField(
        "workspace.domain_public", ErrorKind.Validation, DomainField, "This is a public mail provider's domain; anyone can have an address there, so it cannot be a company domain.");

    /// <summary>403: the Admin's own email is not verified, or not on exactly that domain (a subdomain is another domain).</summary>
    public static readonly Error NotVerified = WithField(
        "workspace.domain_not_verified", ErrorKind.Forbidden, DomainField, "You can set only the domain of your own verified email address. Verify your address first, or ask an Admin whose address is on that domain.");

    /// <summary>400: <c>joinPolicy</c> is not <c>off</c>, <c>request</c> or <c>automatic</c>.</summary>
    public static readonly Error UnknownPolicy = Error.Validation(PolicyField, "Choose off, request or automatic.");

    /// <summary>400: joining automatically as an Admin would hand administration to anyone with an address on the domain.</summary>
    public static readonly Error AdminAutoJoin = WithField(
        "workspace.auto_join_admin", ErrorKind.Validation, PermissionField, "People cannot join automatically as Admin; choose another permission.");

    private static Error WithField(string code, ErrorKind kind, string field, string message) =>
        new(code, message, kind, new Dictionary<string, string[]> { [field] = [message] });
}
