using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Roster.Infrastructure.Data;

namespace Roster.Features.Accounts;

/// <summary>
/// Stamps a new user's <see cref="User.CreatedAt"/> however the account is made: the sign-up page, or Identity's
/// register endpoint, which creates the user itself.
/// </summary>
public sealed class UserCreatedAtInterceptor(TimeProvider time) : SaveChangesInterceptor
{
    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Stamp(eventData.Context);
        return base.SavingChangesAsync(eventData, result, cancellationToken);
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Stamp(eventData.Context);
        return base.SavingChanges(eventData, result);
    }

    private void Stamp(DbContext? context)
    {
        foreach (var entry in context?.ChangeTracker.Entries<User>() ?? [])
        {
            if (entry.State == EntityState.Added && entry.Entity.CreatedAt == default)
            {
                entry.Entity.CreatedAt = time.GetUtcNowForStorage();
            }
        }
    }
}
