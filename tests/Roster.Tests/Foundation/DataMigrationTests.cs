using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Roster.Features.Members;
using Roster.Features.Permissions;
using Roster.Infrastructure.Data;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Foundation;

/// <summary>
/// A database made by the version before permissions became a model (memberships and links held a permission's
/// name) keeps working after the migration: each workspace gets its built-ins, and every membership and link
/// the id of the permission it named.
/// </summary>
public sealed class DataMigrationTests
{
    private const string InitialMigration = "Initial";

    [Fact]
    public async Task Migrate_FromTheNamedPermissionsVersion_CarriesEveryMembershipAndLinkOver()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var database = await TestDatabase.CreateAsync();
        var folder = Directory.CreateTempSubdirectory("roster-migration-").FullName;
        try
        {
            await using var db = CreateContext(database, folder);
            var migrator = db.GetService<IMigrator>();
            var initial = db.Database.GetMigrations().Single(m => m.EndsWith("_" + InitialMigration, StringComparison.Ordinal));
            await migrator.MigrateAsync(initial, cancellationToken);

            var admin = Guid.NewGuid();
            var viewer = Guid.NewGuid();
            var workspace = Guid.NewGuid();
            var viewerLink = Guid.NewGuid();
            var adminLink = Guid.NewGuid();
            var now = DateTimeOffset.UtcNow;
            object Time(DateTimeOffset at) => db.Database.IsSqlite() ? at.UtcTicks : at;
            foreach (var (id, email) in new[] { (admin, "ada@example.com"), (viewer, "vic@example.com") })
            {
                await db.Database.ExecuteSqlRawAsync(
                    """
                    INSERT INTO "AspNetUsers" ("Id", "Name", "CreatedAt", "UserName", "NormalizedUserName", "Email", "NormalizedEmail",
                        "EmailConfirmed", "SecurityStamp", "PhoneNumberConfirmed", "TwoFactorEnabled", "LockoutEnabled", "AccessFailedCount")
                    VALUES ({0}, '', {1}, {2}, {3}, {2}, {3}, {4}, 'stamp', {4}, {4}, {4}, 0)
                    """,
                    [id, Time(now), email, email.ToUpperInvariant(), false],
                    cancellationToken);
            }

            await db.Database.ExecuteSqlRawAsync(
                """INSERT INTO "Workspaces" ("Id", "Name", "CreatedByUserId", "CreatedAt") VALUES ({0}, 'Old Co', {1}, {2})""",
                [workspace, admin, Time(now)],
                cancellationToken);
            foreach (var (id, permission, hash) in new[] { (viewerLink, "Viewer", new string('a', 64)), (adminLink, "Admin", new string('b', 64)) })
            {
                await db.Database.ExecuteSqlRawAsync(
                    """
                    INSERT INTO "InvitationLinks" ("Id", "WorkspaceId", "TokenHash", "Permission", "CreatedByUserId", "CreatedAt", "ExpiresAt", "Uses", "AllowedDomains")
                    VALUES ({0}, {1}, {2}, {3}, {4}, {5}, {6}, 0, '')
                    """,
                    [id, workspace, hash, permission, admin, Time(now), Time(now.AddDays(7))],
                    cancellationToken);
            }

            await db.Database.ExecuteSqlRawAsync(
                """
                INSERT INTO "Memberships" ("WorkspaceId", "UserId", "Permission", "JoinedAt", "InvitationLinkId")
                VALUES ({0}, {1}, 'Admin', {2}, NULL), ({0}, {3}, 'Viewer', {4}, {5})
                """,
                [workspace, admin, Time(now), viewer, Time(now.AddMinutes(1)), viewerLink],
                cancellationToken);

            await migrator.MigrateAsync(targetMigration: null, cancellationToken);

            Assert.Empty(await db.Database.GetPendingMigrationsAsync(cancellationToken));
            var permissions = await db.Permissions.AsNoTracking().Where(p => p.WorkspaceId == workspace).ToListAsync(cancellationToken);
            Assert.Equal(
                [(PermissionKind.Admin, "Admin", "ADMIN"), (PermissionKind.Member, "Member", "MEMBER"), (PermissionKind.Viewer, "Viewer", "VIEWER")],
                permissions.OrderBy(p => p.Kind).Select(p => (p.Kind, p.Name, p.NormalizedName)));
            var byName = permissions.ToDictionary(p => p.Name, p => p.Id);
            var memberships = await db.Memberships.AsNoTracking().Where(m => m.WorkspaceId == workspace).OrderBy(m => m.JoinedAt).ToListAsync(cancellationToken);
            Assert.Equal(
                [(admin, byName["Admin"], MembershipSource.CreatedWorkspace, (Guid?)null), (viewer, byName["Viewer"], MembershipSource.InvitationLink, viewerLink)],
                memberships.Select(m => (m.UserId, m.PermissionId, m.Source, m.InvitationLinkId)));
            var links = await db.InvitationLinks.AsNoTracking().Where(l => l.WorkspaceId == workspace).ToDictionaryAsync(l => l.Id, l => l.PermissionId, cancellationToken);
            Assert.Equal(byName["Viewer"], links[viewerLink]);
            Assert.Equal(byName["Admin"], links[adminLink]);
            Assert.Equal(2, await db.Workspaces.Where(w => w.Id == workspace).Select(w => w.MemberCount).SingleAsync(cancellationToken));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static RosterDbContext CreateContext(TestDatabase database, string folder) =>
        database.ConnectionString is { } connectionString
            ? new PostgresRosterDbContext(new DbContextOptionsBuilder<PostgresRosterDbContext>().UseNpgsql(connectionString).Options)
            : new SqliteRosterDbContext(new DbContextOptionsBuilder<SqliteRosterDbContext>().UseSqlite($"Data Source={Path.Combine(folder, "old.db")}").Options);
}
