using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Roster.Features.Accounts;
using Roster.Infrastructure.Data;

namespace Roster.Tests.Infrastructure;

/// <summary>Reads the app's database directly, for assertions the UI and API do not show.</summary>
public static class AppDatabase
{
    public static async Task<T> QueryAsync<T>(this RosterApp app, Func<RosterDbContext, Task<T>> query)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<RosterDbContext>());
    }

    public static Task<User> FindUserAsync(this RosterApp app, string email) =>
        app.QueryAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Email == email, TestContext.Current.CancellationToken));
}
