using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Roster.Features.Accounts;
using Roster.Features.Permissions;
using Roster.Features.Workspaces;

namespace Roster.Features.AccessTokens;

/// <summary>
/// The token's row: unique by hash (the lookup of every request with a token), listed by user. It goes with its
/// creator, its workspace and its permission (a custom permission deleted takes its tokens with it: a token never
/// outlives what it grants).
/// </summary>
internal sealed class PersonalAccessTokenConfiguration : IEntityTypeConfiguration<PersonalAccessToken>
{
    public void Configure(EntityTypeBuilder<PersonalAccessToken> builder)
    {
        builder.Property(t => t.Name).HasMaxLength(PersonalAccessToken.NameMaxLength);
        builder.Property(t => t.SecretHash).HasMaxLength(64);
        builder.HasIndex(t => t.SecretHash).IsUnique();
        builder.HasIndex(t => t.UserId);
        builder.HasIndex(t => t.WorkspaceId);
        builder.Ignore(t => t.Fingerprint);
        builder.HasOne<User>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Workspace>().WithMany().HasForeignKey(t => t.WorkspaceId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Permission>().WithMany().HasForeignKey(t => t.PermissionId).OnDelete(DeleteBehavior.Cascade);
    }
}
