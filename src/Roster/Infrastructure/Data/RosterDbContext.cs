using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Roster.Features.AccessTokens;
using Roster.Features.Accounts;
using Roster.Features.AccountSettings;
using Roster.Features.ApiKeys;
using Roster.Features.Audit;
using Roster.Features.EmailCodes;
using Roster.Features.ExternalLogins;
using Roster.Features.Invitations;
using Roster.Features.Members;
using Roster.Features.Permissions;
using Roster.Features.Sessions;
using Roster.Features.Workspaces;

namespace Roster.Infrastructure.Data;

/// <summary>
/// The one model. Each database provider has a subclass of its own (<see cref="SqliteRosterDbContext"/>,
/// <see cref="PostgresRosterDbContext"/>) so that each keeps its own migrations; the app and the features
/// only ever ask for <see cref="RosterDbContext"/>.
/// </summary>
public abstract class RosterDbContext(DbContextOptions options)
    : IdentityUserContext<User, Guid>(options), IDataProtectionKeyContext
{
    public DbSet<Workspace> Workspaces => Set<Workspace>();

    public DbSet<Membership> Memberships => Set<Membership>();

    public DbSet<InvitationLink> InvitationLinks => Set<InvitationLink>();

    public DbSet<Permission> Permissions => Set<Permission>();

    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    public DbSet<PersonalAccessToken> PersonalAccessTokens => Set<PersonalAccessToken>();

    public DbSet<EmailChange> EmailChanges => Set<EmailChange>();

    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    public DbSet<Session> Sessions => Set<Session>();
    public DbSet<EmailCode> EmailCodes => Set<EmailCode>();
    /// <summary>Wrong codes counted against each address's daily guess budget (<see cref="EmailCodeGuessBudget"/>).</summary>
    public DbSet<EmailCodeGuess> EmailCodeGuesses => Set<EmailCodeGuess>();
    /// <summary>OpenID Connect identities linked to accounts, keyed by (issuer, subject).</summary>
    public DbSet<ExternalLogin> ExternalLogins => Set<ExternalLogin>();

    /// <summary>The durable email outbox (<see cref="Email.EmailOutbox"/>): messages saved with the change they tell about, delivered by a worker.</summary>
    public DbSet<Email.OutboxMessage> OutboxMessages => Set<Email.OutboxMessage>();

    /// <summary>Requests to join a workspace through its company domain (SPEC section 5).</summary>
    public DbSet<Features.JoinRequests.JoinRequest> JoinRequests => Set<Features.JoinRequests.JoinRequest>();
    /// <summary>Invitations sent to one email address each (<see cref="Features.EmailInvitations.EmailInvitationService"/>).</summary>
    public DbSet<Features.EmailInvitations.EmailInvitation> EmailInvitations => Set<Features.EmailInvitations.EmailInvitation>();

    /// <summary>Data-protection keys live in the database so every app instance can read every cookie and token.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(RosterDbContext).Assembly);

        builder.Entity<User>(user =>
        {
            user.Property(u => u.Name).HasMaxLength(User.NameMaxLength);
        });
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite has no date-time-with-offset type and cannot compare or order the text EF would store.
        // Every time here is UTC, so storing UTC ticks keeps comparisons (expiry, lockout) in SQL at full precision.
        if (Database.IsSqlite())
        {
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
        }
    }
}
