using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Roster.Features.Accounts;
using Roster.Features.Permissions;
using Roster.Features.Workspaces;

namespace Roster.Features.EmailInvitations;

internal sealed class EmailInvitationConfiguration : IEntityTypeConfiguration<EmailInvitation>
{
    public void Configure(EntityTypeBuilder<EmailInvitation> builder)
    {
        builder.Property(i => i.Email).HasMaxLength(EmailAddresses.MaxLength);

        // Identity's normalised address (upper case) is as long as the address.
        builder.Property(i => i.NormalizedEmail).HasMaxLength(EmailAddresses.MaxLength);
        builder.Property(i => i.TokenHash).HasMaxLength(64);
        builder.HasIndex(i => i.TokenHash).IsUnique();

        // Renewing loads the row and saves it: a revoke, an accept or another renewal that committed in between makes
        // the save fail (409 request.conflict, the whole batch rolled back) instead of being silently overwritten.
        builder.Property(i => i.TokenHash).IsConcurrencyToken();
        builder.Property(i => i.RevokedAt).IsConcurrencyToken();
        builder.Property(i => i.AcceptedAt).IsConcurrencyToken();

        // One row per address and workspace: a second invitation renews the first, also when two Admins send at once.
        builder.HasIndex(i => new { i.WorkspaceId, i.NormalizedEmail }).IsUnique();
        builder.Ignore(i => i.Fingerprint);

        // The outbox's purge keeps the message an open invitation shows its delivery from: found through this index.
        builder.HasIndex(i => i.OutboxMessageId);
        builder.HasOne<Permission>().WithMany().HasForeignKey(i => i.PermissionId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne<Workspace>().WithMany().HasForeignKey(i => i.WorkspaceId).OnDelete(DeleteBehavior.Cascade);
    }
}
