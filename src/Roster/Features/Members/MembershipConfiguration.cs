using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Roster.Features.Accounts;
using Roster.Features.Invitations;
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
        builder.Property(m => m.Permission).HasMaxLength(64);
        builder.HasOne<Workspace>().WithMany().HasForeignKey(m => m.WorkspaceId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<User>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<InvitationLink>().WithMany().HasForeignKey(m => m.InvitationLinkId).OnDelete(DeleteBehavior.SetNull);
    }
}
