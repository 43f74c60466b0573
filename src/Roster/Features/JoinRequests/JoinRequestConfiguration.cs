using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Roster.Features.Accounts;
using Roster.Features.Workspaces;

namespace Roster.Features.JoinRequests;

internal sealed class JoinRequestConfiguration : IEntityTypeConfiguration<JoinRequest>
{
    public void Configure(EntityTypeBuilder<JoinRequest> builder)
    {
        builder.Property(r => r.Status).HasConversion<string>().HasMaxLength(16);

        // One pending request per person and workspace, as a database rule: two requests at once make one row, and the
        // second is answered the first (JoinRequestService). The filter is the same SQL on SQLite and PostgreSQL.
        builder.HasIndex(r => new { r.WorkspaceId, r.UserId }).IsUnique().HasFilter("\"Status\" = 'Pending'");

        // Settings > Workspace lists a workspace's pending requests, oldest first.
        builder.HasIndex(r => new { r.WorkspaceId, r.Status, r.CreatedAt });

        // The per-account rate limit counts a person's recent requests.
        builder.HasIndex(r => new { r.UserId, r.CreatedAt });
        builder.HasOne<Workspace>().WithMany().HasForeignKey(r => r.WorkspaceId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<User>().WithMany().HasForeignKey(r => r.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
