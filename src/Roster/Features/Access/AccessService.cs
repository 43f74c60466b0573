using Microsoft.EntityFrameworkCore;
using Roster.Features.Permissions;
using Roster.Infrastructure.Data;
using Roster.Infrastructure.Errors;

namespace Roster.Features.Access;

/// <summary>A validated question: the user, the menu and the single grant asked about.</summary>
public sealed record AccessQuestion(Guid UserId, Menu Menu, Grants Grant);

/// <summary>
/// The authorization API's service: validates questions and answers them with <see cref="PermissionEvaluator"/>,
/// reading every asked-about member's permission in one query however many questions there are.
/// </summary>
public sealed class AccessService(RosterDbContext db, MenuCatalog menus)
{
    public const int MaxBatch = 100;

    /// <summary>
    /// One member's permission in a workspace and whether the operator disabled their account, or null when they are
    /// not a member.
    /// </summary>
    private static readonly CompiledQuery<Func<RosterDbContext, Guid, Guid, CancellationToken, Task<HeldPermission?>>> MemberPermission = new(() =>
        EF.CompileAsyncQuery((RosterDbContext db, Guid workspaceId, Guid userId, CancellationToken cancellationToken) =>
            db.Memberships
                .Where(m => m.WorkspaceId == workspaceId && m.UserId == userId)
                .Join(db.Permissions, m => m.PermissionId, p => p.Id, (m, p) => new { m.UserId, p })
                .Join(db.Users, x => x.UserId, u => u.Id, (x, u) => new HeldPermission(
                    new PermissionSnapshot(x.p.Id, x.p.Name, x.p.Kind, x.p.Grants), u.DisabledAt != null))
                .SingleOrDefault()));

    /// <summary>Checks one question; field errors are prefixed (<c>checks[3].menu</c> in a batch).</summary>
    public AccessQuestion? Validate(AuthorizeRequest? request, string prefix, Dictionary<string, string[]> fields)
    {
        if (request is null)
        {
            fields[prefix.TrimEnd('.')] = ["Give userId, menu and grant."];
            return null;
        }

        var valid = true;
        if (request.UserId is null || request.UserId == Guid.Empty)
        {
            fields[$"{prefix}userId"] = ["Give the id of the user to check."];
            valid = false;
        }

        var menu = menus.Find(request.Menu?.Trim().ToLowerInvariant());
        if (menu is null)
        {
            fields[$"{prefix}menu"] = ["Not a menu key. GET /api/v1/menus lists them."];
            valid = false;
        }

        if (!GrantNames.TryParse(request.Grant, out var grant))
        {
            fields[$"{prefix}grant"] = ["Use edit, read-only, data-download or data-read."];
            valid = false;
        }

        return valid ? new AccessQuestion(request.UserId!.Value, menu!, grant) : null;
    }

    /// <summary>
    /// Answers questions about members of the workspace, in order. <paramref name="known"/> holds permissions the
    /// request already read (the caller's own membership, of an account that is signed in and so not disabled), which
    /// are not read again. A member whose account the operator disabled is allowed nothing (reason
    /// "account disabled"): the dashboard's other services must not let them in either.
    /// </summary>
    public async Task<IReadOnlyList<AccessDecision>> DecideAsync(
        Guid workspaceId, IReadOnlyList<AccessQuestion> questions, IReadOnlyDictionary<Guid, PermissionSnapshot> known, CancellationToken cancellationToken)
    {
        var missing = questions.Select(q => q.UserId).Where(id => !known.ContainsKey(id)).Distinct().ToList();
        var held = known.ToDictionary(entry => entry.Key, entry => new HeldPermission(entry.Value, Disabled: false));
        if (missing is [var userId])
        {
            // The usual question is about one person: a compiled query by the membership's key. (A list parameter
            // makes EF Core generate the SQL again on every call, since its text depends on the list's length.)
            if (await MemberPermission.For(db)(db, workspaceId, userId, cancellationToken) is { } permission)
            {
                held[userId] = permission;
            }
        }
        else if (missing.Count > 0)
        {
            var rows = await db.Memberships.AsNoTracking()
                .Where(m => m.WorkspaceId == workspaceId && missing.Contains(m.UserId))
                .Join(db.Permissions, m => m.PermissionId, p => p.Id, (m, p) => new { m.UserId, p })
                .Join(db.Users, x => x.UserId, u => u.Id, (x, u) => new
                {
                    x.UserId,
                    Held = new HeldPermission(new PermissionSnapshot(x.p.Id, x.p.Name, x.p.Kind, x.p.Grants), u.DisabledAt != null),
                })
                .ToListAsync(cancellationToken);
            foreach (var row in rows)
            {
                held[row.UserId] = row.Held;
            }
        }

        return questions.Select(q => held.GetValueOrDefault(q.UserId) is { Disabled: true } disabled
                ? new AccessDecision(false, disabled.Permission.Name, "account disabled")
                : PermissionEvaluator.Decide(held.GetValueOrDefault(q.UserId)?.Permission, q.Menu, q.Grant))
            .ToList();
    }

    /// <summary>A member's grants on every menu, for <c>GET .../access</c> and the dashboard.</summary>
    public AccessResponse Describe(PermissionSnapshot permission) => new(
        permission.Name,
        permission.Id,
        PermissionEvaluator.CanAdminister(permission),
        PermissionEvaluator.GrantsOnEveryMenu(permission, menus)
            .Select(entry => new MenuAccessResponse(entry.Menu.Key, entry.Menu.Name, entry.Grants.ToWireList()))
            .ToList());

    private sealed record HeldPermission(PermissionSnapshot Permission, bool Disabled);

    public static Error TooMany { get; } = Error.Validation("checks", $"Ask at most {MaxBatch} questions at once.");
}
