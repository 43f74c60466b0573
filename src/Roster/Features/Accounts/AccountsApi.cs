using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Roster.Features.Workspaces;
using Roster.Infrastructure.Authorization;
using Roster.Infrastructure.Data;
using Roster.Infrastructure.Errors;
using Roster.Infrastructure.Web;

namespace Roster.Features.Accounts;

public sealed record MeResponse(Guid Id, string Email, string Name, bool EmailConfirmed, IReadOnlyList<WorkspaceResponse> Workspaces);

public static class AccountsApi
{
    public static RouteGroupBuilder MapAccountsApi(this RouteGroupBuilder api)
    {
        // Register, login, refresh, logout, password reset and email verification: Roster's own routes (AuthApi).
        api.MapAuthApi();

        api.MapGet("/me", GetMeAsync).WithTags("Account").RequireAuthorization();
        return api;
    }

    private static async Task<Results<Ok<MeResponse>, ProblemHttpResult>> GetMeAsync(
        ClaimsPrincipal principal, RosterDbContext db, WorkspaceService workspaces, CancellationToken cancellationToken)
    {
        var userId = principal.UserId();
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (user is null)
        {
            return ProblemResults.Problem(StatusCodes.Status401Unauthorized, "auth.required", "Sign in again.");
        }

        var list = await workspaces.ListForUserAsync(userId, cancellationToken);
        return TypedResults.Ok(new MeResponse(user.Id, user.Email ?? "", user.Name, user.EmailConfirmed, list.Select(w => w.ToResponse()).ToList()));
    }
}
