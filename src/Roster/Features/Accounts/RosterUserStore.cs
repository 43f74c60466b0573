using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Roster.Infrastructure.Data;

namespace Roster.Features.Accounts;

/// <summary>
/// Identity's user store with two changes to how a user row is written, both about requests that touch the same
/// person at once (a sign-in here, a wrong password there, a workspace created elsewhere):
/// <list type="bullet">
/// <item>A user this request loaded is written as what changed (the failed-attempt count, the stamps, ...) under the
/// concurrency stamp, not as the whole row: Identity's own update rewrote every column, so a sign-in put back the
/// <see cref="User.LastWorkspaceId"/> it had read, over the one a workspace creation had just set.</item>
/// <item>When that write loses to another (the row's <c>ConcurrencyStamp</c> changed meanwhile: Identity answers
/// <c>ConcurrencyFailure</c>), the user is read again instead of staying modified in the unit of work. Left modified,
/// the next save of the request (the sign-in's audit entry, the first workspace of a sign-in) wrote the stale user
/// again, failed the same check, and answered 500.</item>
/// </list>
/// </summary>
public sealed class RosterUserStore(RosterDbContext context, IdentityErrorDescriber? describer = null)
    : UserOnlyStore<User, RosterDbContext, Guid>(context, describer)
{
    /// <summary>
    /// Writes the user's changes if nobody changed the row since it was read (else <c>ConcurrencyFailure</c>, and the
    /// user is read again). A user this context does not track is written whole, as Identity does.
    /// </summary>
    public override async Task<IdentityResult> UpdateAsync(User user, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(user);
        var entry = Context.Entry(user);
        IdentityResult result;
        if (entry.State is EntityState.Detached or EntityState.Added)
        {
            result = await base.UpdateAsync(user, cancellationToken);
        }
        else
        {
            // Tracked since it was read: EF writes only the changed columns, with the stamp in the WHERE clause.
            user.ConcurrencyStamp = Guid.NewGuid().ToString();
            try
            {
                await SaveChanges(cancellationToken);
                result = IdentityResult.Success;
            }
            catch (DbUpdateConcurrencyException)
            {
                result = IdentityResult.Failed(ErrorDescriber.ConcurrencyFailure());
            }
        }

        if (!result.Succeeded && result.Errors.Any(error => error.Code == nameof(IdentityErrorDescriber.ConcurrencyFailure)))
        {
            // The row as it is now (or detached, when it was deleted): nothing stale is left to be saved again.
            await Context.Entry(user).ReloadAsync(cancellationToken);
        }

        return result;
    }
}
