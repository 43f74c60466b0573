using System.Linq.Expressions;

namespace Roster.Features.Permissions;

/// <summary>
/// The evaluator's rules where the database must apply them (finding who administers a workspace). Kept beside
/// <see cref="PermissionEvaluator"/>, whose <see cref="PermissionEvaluator.CanAdminister"/> this mirrors.
/// </summary>
public static class PermissionQueries
{
    public static Expression<Func<Permission, bool>> Administers { get; } = p => p.Kind == PermissionKind.Admin;
}
