using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Roster.Features.Accounts;
using Roster.Features.Invitations;
using Roster.Features.Permissions;
using Roster.Features.Workspaces;

namespace Roster.Features.Members;

internal sealed class MembershipConfiguration : IEntityTypeConfiguration<Membership>
{
    public void Configure(EntityTypeBuilder<Membership> builder)
    {
        // The key makes "one membership per person and workspace" a database rule, so two concurrent
        // accepts by the same person cannot both succeed.
        builder.HasKey(m => new { m.WorkspaceId, m.UserId });
        builder.HasIndex(m => m.UserId);

        // Members pages are read in join order (keyset paging), and "who holds this permission" is counted.
        builder.HasIndex(m => new { m.WorkspaceId, m.JoinedAt, m.UserId });
        builder.HasIndex(m => m.PermissionId);
        builder.Property(m => m.Source).HasConversion<string>().HasMaxLength(32);
        builder.HasOne<Workspace>().WithMany().HasForeignKey(m => m.WorkspaceId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<User>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);

        // A permission that members hold cannot be deleted (the service says so first; the key is the backstop).
        builder.HasOne<Permission>().WithMany().HasForeignKey(m => m.PermissionId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<InvitationLink>().WithMany().HasForeignKey(m => m.InvitationLinkId).OnDelete(DeleteBehavior.SetNull);
    }
}
