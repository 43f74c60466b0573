using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Roster.Features.Permissions;
using Roster.Features.Workspaces;

namespace Roster.Features.Invitations;

internal sealed class InvitationLinkConfiguration : IEntityTypeConfiguration<InvitationLink>
{
    public void Configure(EntityTypeBuilder<InvitationLink> builder)
    {
        builder.Property(l => l.TokenHash).HasMaxLength(64);
        builder.HasIndex(l => l.TokenHash).IsUnique();
        builder.HasIndex(l => l.WorkspaceId);
        builder.Property(l => l.AllowedDomains).HasMaxLength(InvitationLink.AllowedDomainsMaxLength);
        builder.Ignore(l => l.AllowedDomainList);
        builder.Ignore(l => l.Fingerprint);
        builder.HasOne<Permission>().WithMany().HasForeignKey(l => l.PermissionId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne<Workspace>().WithMany().HasForeignKey(l => l.WorkspaceId).OnDelete(DeleteBehavior.Cascade);
    }
}
