using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Roster.Features.Accounts;
using Roster.Features.ApiKeys;
using Roster.Features.CompanyDomains;
using Roster.Features.Invitations;
using Roster.Features.Members;
using Roster.Features.Permissions;
using Roster.Features.Plans;
using Roster.Features.Sessions;
using Roster.Features.Workspaces;
using Roster.Infrastructure.Data;
using Roster.Infrastructure.Security;

namespace Roster.Bench.Seed;

/// <summary>
/// Writes bench data through the app's <see cref="RosterDbContext"/> with the app's own entities and rules: Identity's
/// normalized user name and email and a security stamp per account; every workspace with its three built-in permissions
/// (<see cref="Permission.BuiltInsFor"/>), its creator as Admin and <see cref="Workspace.MemberCount"/> equal to its
/// membership rows; a session row per sign-in whose secret's SHA-256 is stored (<see cref="SessionService"/>), and the
/// bearer token or cookie the app's own Identity handlers issue for it (protected by the data-protection keys in the
/// same database, so the server reads them); API keys and invitation links with only their secret's SHA-256 stored.
/// Rows are inserted in batches (<see cref="InsertAsync"/>).
/// </summary>
public sealed class Seeder(
    IServiceProvider services,
    TimeProvider time,
    IOptions<IdentityOptions> identity,
    ILookupNormalizer normalizer,
    IPasswordHasher<User> passwordHasher,
    IOptionsMonitor<BearerTokenOptions> bearerOptions,
    IOptionsMonitor<CookieAuthenticationOptions> cookieOptions,
    PlanCatalog plans,
    PublicMailDomains publicDomains,
    IOptions<InvitationOptions> invitationOptions)
{
    /// <summary>Every seeded account's password (so a person can also sign in through the form).</summary>
    public const string Password = "bench mark passphrase 2026";

    private const int BatchSize = 4_000;

    private readonly DateTimeOffset now = time.GetUtcNowForStorage();
    private string? passwordHash;

    /// <summary>
    /// An Admin with a workspace (Enterprise: no member limit), an unlimited Viewer link of it, and <paramref name="count"/>
    /// people in no workspace, each with a live bearer session; their Authorization values go to
    /// <paramref name="credentialsFile"/>, one per line. Returns WORKSPACE_ID, INVITE_TOKEN, ADMIN_TOKEN.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>> SeedPeopleAsync(int count, string credentialsFile, CancellationToken cancellationToken)
    {
        var admin = NewUser("accept-admin@people.example", "Accept Admin");
        await InsertAsync([admin], cancellationToken);
        var (workspace, builtIns) = await NewWorkspacesAsync([(admin, "Accept bench", [])], cancellationToken);
        var viewer = builtIns[0].Single(p => p.Kind == PermissionKind.Viewer);
        var token = SecretToken.Create();
        var link = new InvitationLink(
            workspace[0].Id, SecretToken.Hash(token), viewer.Id, admin.Id, now, now.AddDays(invitationOptions.Value.MaxExpiryDays), maxUses: null, []);
        await InsertAsync([link], cancellationToken);

        var people = Enumerable.Range(0, count)
            .Select(i => NewUser($"person{i.ToString(CultureInfo.InvariantCulture)}@people.example", $"Person {i.ToString(CultureInfo.InvariantCulture)}"))
            .ToList();
        await InsertAsync(people, cancellationToken);
        var tokens = await SignInAsync(people, SessionKind.Bearer, cancellationToken);
        await File.WriteAllLinesAsync(credentialsFile, tokens.Select(t => "Bearer " + t), cancellationToken);
        var adminToken = (await SignInAsync([admin], SessionKind.Bearer, cancellationToken))[0];
        return new Dictionary<string, string>
        {
            ["WORKSPACE_ID"] = workspace[0].Id.ToString(),
            ["INVITE_TOKEN"] = token,
            ["ADMIN_TOKEN"] = adminToken,
        };
    }

    /// <summary>
    /// A workspace of <paramref name="members"/> members (its Admin included; the others Members), a workspace of 10,
    /// and <paramref name="workspaces"/> other workspaces each with its Admin. Returns, for BIG and SMALL: the
    /// workspace's id, a member's id (for the authorization API), the Admin's bearer token and cookie, an API key.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>> SeedLargeAsync(int members, int workspaces, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (label, size) in new[] { ("BIG", members), ("SMALL", 10) })
        {
            var domain = label.ToLowerInvariant() + ".example";
            var admin = NewUser($"admin@{domain}", $"{label} Admin");
            var others = Enumerable.Range(1, size - 1)
                .Select(i => NewUser($"member{i.ToString(CultureInfo.InvariantCulture)}@{domain}", $"Member {i.ToString(CultureInfo.InvariantCulture)}"))
                .ToList();
            await InsertAsync([admin, .. others], cancellationToken);
            var (created, _) = await NewWorkspacesAsync([(admin, $"{label} workspace", others)], cancellationToken);
            var workspaceId = created[0].Id;
            var key = ApiKey.Prefix + SecretToken.Create();
            await InsertAsync([new ApiKey(workspaceId, "bench", SecretToken.Hash(key), admin.Id, now)], cancellationToken);
            values[$"{label}_WORKSPACE_ID"] = workspaceId.ToString();
            values[$"{label}_MEMBER_ID"] = others[others.Count / 2].Id.ToString();
            values[$"{label}_ADMIN_TOKEN"] = (await SignInAsync([admin], SessionKind.Bearer, cancellationToken))[0];
            values[$"{label}_ADMIN_COOKIE"] = (await SignInAsync([admin], SessionKind.Cookie, cancellationToken))[0];
            values[$"{label}_API_KEY"] = key;
        }

        // The other workspaces, each with its own Admin, in slices so that memory stays small.
        for (var start = 0; start < workspaces; start += 20_000)
        {
            var admins = Enumerable.Range(start, Math.Min(20_000, workspaces - start))
                .Select(i => i.ToString(CultureInfo.InvariantCulture))
                .Select(i => NewUser($"admin@w{i}.example", $"Admin {i}"))
                .ToList();
            await InsertAsync(admins, cancellationToken);
            await NewWorkspacesAsync([.. admins.Select(a => (a, $"Workspace of {a.Name}", (IReadOnlyList<User>)[]))], cancellationToken);
        }

        values["COOKIE_NAME"] = cookieOptions.Get(IdentityConstants.ApplicationScheme).Cookie.Name!;
        return values;
    }

    /// <summary>
    /// Workspaces as <c>WorkspaceService</c> creates them (plan Enterprise, the built-in permissions, the company domain
    /// from the creator's verified email unless a public mail provider's), the creator as Admin and each other person
    /// as Member, the member count equal to the rows, and each person's last workspace set to it.
    /// </summary>
    private async Task<(List<Workspace> Workspaces, List<IReadOnlyList<Permission>> BuiltIns)> NewWorkspacesAsync(
        IReadOnlyList<(User Admin, string Name, IReadOnlyList<User> Members)> specs, CancellationToken cancellationToken)
    {
        var plan = plans.All.Single(p => p.MemberLimit is null).Name;
        var workspaces = new List<Workspace>(specs.Count);
        var builtIns = new List<IReadOnlyList<Permission>>(specs.Count);
        var memberships = new List<Membership>();
        foreach (var (admin, name, others) in specs)
        {
            var workspace = new Workspace(name, admin.Id, now, plan);
            workspace.MarkNameChosen(now);
            var domain = CompanyDomainNames.OfEmail(admin.Email);
            workspace.SetInitialCompanyDomain(domain is null || publicDomains.Contains(domain) ? null : domain);
            var permissions = Permission.BuiltInsFor(workspace.Id, now);
            var adminPermission = permissions.Single(p => p.Kind == PermissionKind.Admin).Id;
            var memberPermission = permissions.Single(p => p.Kind == PermissionKind.Member).Id;
            memberships.Add(new Membership(workspace.Id, admin.Id, adminPermission, MembershipSource.CreatedWorkspace, now, null));
            memberships.AddRange(others.Select(u => new Membership(workspace.Id, u.Id, memberPermission, MembershipSource.InvitationLink, now, null)));
            workspaces.Add(workspace);
            builtIns.Add(permissions);
        }

        await InsertAsync(workspaces, cancellationToken);
        await InsertAsync([.. builtIns.SelectMany(p => p)], cancellationToken);
        await InsertAsync(memberships, cancellationToken);

        // Each member count is its rows' count (the rule MemberService keeps on every join and leave).
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RosterDbContext>();
        var ids = workspaces.Select(w => w.Id).ToList();
        foreach (var chunk in ids.Chunk(BatchSize))
        {
            await db.Workspaces.Where(w => chunk.Contains(w.Id))
                .ExecuteUpdateAsync(setters => setters.SetProperty(w => w.MemberCount, w => db.Memberships.Count(m => m.WorkspaceId == w.Id)), cancellationToken);
        }

        // The dashboard opens a person's last workspace.
        foreach (var chunk in memberships.Chunk(BatchSize))
        {
            var byWorkspace = chunk.GroupBy(m => m.WorkspaceId);
            foreach (var group in byWorkspace)
            {
                var users = group.Select(m => m.UserId).ToList();
                await db.Users.Where(u => users.Contains(u.Id))
                    .ExecuteUpdateAsync(setters => setters.SetProperty(u => u.LastWorkspaceId, group.Key), cancellationToken);
            }
        }

        return (workspaces, builtIns);
    }

    /// <summary>
    /// One sign-in per person as <see cref="RosterSignInManager"/> does it: a session row (its secret's SHA-256) and the
    /// principal Identity's claims factory makes, with the password method (<c>amr</c> = <c>pwd</c>) and the session's
    /// claim; then the token the handler would write: Identity's bearer access token, or the application cookie's value.
    /// </summary>
    private async Task<List<string>> SignInAsync(List<User> people, SessionKind kind, CancellationToken cancellationToken)
    {
        // The claims the app's factory gives the first person, as a template for all (it reads each user's claims from
        // the database: seeded accounts have none, so the template differs only in the person's own values).
        ClaimsPrincipal template;
        await using (var scope = services.CreateAsyncScope())
        {
            var factory = scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<User>>();
            var db = scope.ServiceProvider.GetRequiredService<RosterDbContext>();
            template = await factory.CreateAsync(await db.Users.AsNoTracking().SingleAsync(u => u.Id == people[0].Id, cancellationToken));
        }

        var claimTypes = identity.Value.ClaimsIdentity;
        var templateIdentity = (ClaimsIdentity)template.Identity!;
        var bearer = bearerOptions.Get(IdentityConstants.BearerScheme);
        var cookie = cookieOptions.Get(IdentityConstants.ApplicationScheme);
        var lifetime = kind == SessionKind.Bearer ? bearer.RefreshTokenExpiration : cookie.ExpireTimeSpan;
        var issued = time.GetUtcNow();
        var device = DeviceDescription.Describe("roster-bench-seed");
        var sessions = new List<Session>(people.Count);
        var tokens = new List<string>(people.Count);
        foreach (var person in people)
        {
            var secret = SecretToken.Create();
            sessions.Add(new Session(person.Id, SecretToken.Hash(secret), kind, device, "127.0.0.1", now, now + lifetime));
            var claims = templateIdentity.Claims.Select(c => new Claim(c.Type, ValueFor(c, person))).ToList();
            claims.Add(new Claim("amr", "pwd"));
            claims.Add(new Claim(SessionClaims.SessionId, secret));
            var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, templateIdentity.AuthenticationType, templateIdentity.NameClaimType, templateIdentity.RoleClaimType));
            if (kind == SessionKind.Bearer)
            {
                var properties = new AuthenticationProperties { ExpiresUtc = issued + bearer.BearerTokenExpiration };
                tokens.Add(bearer.BearerTokenProtector.Protect(new AuthenticationTicket(principal, properties, $"{IdentityConstants.BearerScheme}:AccessToken")));
            }
            else
            {
                var properties = new AuthenticationProperties { IssuedUtc = issued, ExpiresUtc = issued + cookie.ExpireTimeSpan };
                tokens.Add(cookie.TicketDataFormat.Protect(new AuthenticationTicket(principal, properties, IdentityConstants.ApplicationScheme)));
            }
        }

        await InsertAsync(sessions, cancellationToken);
        return tokens;

        string ValueFor(Claim claim, User person) =>
            claim.Type == claimTypes.UserIdClaimType ? person.Id.ToString()
            : claim.Type == claimTypes.UserNameClaimType ? person.UserName!
            : claim.Type == claimTypes.EmailClaimType ? person.Email!
            : claim.Type == claimTypes.SecurityStampClaimType ? person.SecurityStamp!
            : claim.Value;
    }

    /// <summary>An account as Identity's user manager creates one: normalized name and email, a security stamp, a verified email.</summary>
    private User NewUser(string email, string name)
    {
        passwordHash ??= passwordHasher.HashPassword(new User(), Password);
        return new User
        {
            Id = Guid.CreateVersion7(now),
            UserName = email,
            NormalizedUserName = normalizer.NormalizeName(email),
            Email = email,
            NormalizedEmail = normalizer.NormalizeEmail(email),
            EmailConfirmed = true,
            PasswordHash = passwordHash,
            SecurityStamp = NewSecurityStamp(),
            ConcurrencyStamp = Guid.NewGuid().ToString(),
            LockoutEnabled = identity.Value.Lockout.AllowedForNewUsers,
            Name = name,
            CreatedAt = now,
        };
    }

    /// <summary>Identity's stamp: 20 random bytes in base 32 (as <c>UserManager.NewSecurityStamp</c>).</summary>
    private static string NewSecurityStamp()
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bytes = RandomNumberGenerator.GetBytes(20);
        var text = new char[32];
        for (var i = 0; i < 32; i++)
        {
            var bit = i * 5;
            var value = ((bytes[bit / 8] << 8) | (bit / 8 + 1 < bytes.Length ? bytes[bit / 8 + 1] : 0)) >> (11 - bit % 8) & 31;
            text[i] = alphabet[value];
        }

        return new string(text);
    }

    /// <summary>
    /// Inserts the rows with multi-row INSERT statements built from the EF model (each property's column and its type
    /// mapping, value converters included, so each value is stored exactly as <c>SaveChanges</c> would store it), in one
    /// transaction per batch. EF's change tracker made 100,000 people take about a minute; this takes seconds.
    /// </summary>
    private async Task InsertAsync<T>(IReadOnlyList<T> rows, CancellationToken cancellationToken)
        where T : class
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RosterDbContext>();
        var entityType = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
        var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
        var sql = db.GetService<ISqlGenerationHelper>();
        var columns = entityType.GetProperties()
            .Select(p => (Property: p, Column: p.GetColumnName(table), Mapping: (RelationalTypeMapping)p.GetRelationalTypeMapping()))
            .Where(c => c.Column is not null)
            .ToList();
        var getters = columns.Select(c => c.Property.GetGetter()).ToList();
        var head = $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({string.Join(", ", columns.Select(c => sql.DelimitIdentifier(c.Column!)))}) VALUES ";
        // SQLite: one prepared single-row statement, executed per row (binding by name makes long statements slow there);
        // PostgreSQL: many rows per statement, to save round trips.
        var rowsPerStatement = db.Database.IsSqlite() ? 1 : Math.Max(1, 8_000 / columns.Count);
        await db.Database.OpenConnectionAsync(cancellationToken);
        var connection = db.Database.GetDbConnection();
        var commands = new Dictionary<int, System.Data.Common.DbCommand>();
        foreach (var batch in rows.Chunk(BatchSize * 5))
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            foreach (var statement in batch.Chunk(rowsPerStatement))
            {
                if (!commands.TryGetValue(statement.Length, out var command))
                {
                    command = connection.CreateCommand();
                    var text = new System.Text.StringBuilder(head);
                    for (var r = 0; r < statement.Length; r++)
                    {
                        text.Append(r == 0 ? "(" : ", (");
                        text.AppendJoin(", ", columns.Select((_, c) => sql.GenerateParameterNamePlaceholder(ParameterName(r, c))));
                        text.Append(')');
                    }

                    command.CommandText = text.ToString();
                    commands[statement.Length] = command;
                }

                command.Transaction = transaction;
                command.Parameters.Clear();
                for (var r = 0; r < statement.Length; r++)
                {
                    for (var c = 0; c < columns.Count; c++)
                    {
                        // The mapping's CreateParameter applies its converter (UTC ticks, enum names, ...) itself.
                        var value = getters[c].GetClrValueUsingContainingEntity(statement[r]);
                        command.Parameters.Add(columns[c].Mapping.CreateParameter(command, ParameterName(r, c), value, columns[c].Property.IsNullable));
                    }
                }

                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }

        foreach (var command in commands.Values)
        {
            await command.DisposeAsync();
        }

        if (rows.Count >= BatchSize)
        {
            await Console.Error.WriteLineAsync($"seed: {rows.Count} {typeof(T).Name} rows in {clock.Elapsed.TotalSeconds:F1} s");
        }
    }

    private static string ParameterName(int row, int column) =>
        $"p{row.ToString(CultureInfo.InvariantCulture)}_{column.ToString(CultureInfo.InvariantCulture)}";
}
