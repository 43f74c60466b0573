using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Roster.Features.Workspaces;

namespace Roster.Features.Permissions;

internal sealed class PermissionConfiguration : IEntityTypeConfiguration<Permission>
{
    public void Configure(EntityTypeBuilder<Permission> builder)
    {
        builder.Property(p => p.Name).HasMaxLength(Permission.NameMaxLength);
        builder.Property(p => p.NormalizedName).HasMaxLength(Permission.NameMaxLength);

        // Names are unique per workspace whatever their letter case, and the built-ins' rows hold theirs, so a
        // custom permission can never be called "admin": the database refuses a racing duplicate too.
        builder.HasIndex(p => new { p.WorkspaceId, p.NormalizedName }).IsUnique();
        builder.Property(p => p.Grants)
            .HasConversion(grants => grants.ToStorage(), stored => GrantSet.FromStorage(stored))
            .HasMaxLength(1024);
        builder.Ignore(p => p.BuiltIn);
        builder.HasOne<Workspace>().WithMany().HasForeignKey(p => p.WorkspaceId).OnDelete(DeleteBehavior.Cascade);
    }
}
