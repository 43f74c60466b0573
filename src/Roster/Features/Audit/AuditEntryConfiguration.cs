using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Roster.Features.Audit;

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        // No foreign keys: an entry outlives the workspace, the person and the key it names (a deleted workspace's
        // log stays for the operator), and writing one never waits on a lock of the rows it mentions.
        builder.Property(e => e.Action).HasMaxLength(AuditEntry.ActionMaxLength);
        builder.Property(e => e.ActorType).HasConversion<string>().HasMaxLength(16);
        builder.Property(e => e.Outcome).HasConversion<string>().HasMaxLength(16);
        builder.Property(e => e.ClientAddress).HasMaxLength(AuditEntry.ClientAddressMaxLength);
        builder.Property(e => e.TargetType).HasMaxLength(AuditEntry.TargetTypeMaxLength);
        builder.Property(e => e.TargetId).HasMaxLength(AuditEntry.TargetIdMaxLength);
        builder.Property(e => e.TargetLabel).HasMaxLength(AuditEntry.LabelMaxLength);
        builder.Property(e => e.Reason).HasMaxLength(AuditEntry.ReasonMaxLength);
        builder.Property(e => e.Details).HasMaxLength(AuditEntry.DetailsMaxLength);

        // A workspace's log is read newest first in keyset pages, optionally for one action or one actor; an
        // account's sign-ins newest first.
        builder.HasIndex(e => new { e.WorkspaceId, e.OccurredAt, e.Id });
        builder.HasIndex(e => new { e.WorkspaceId, e.Action, e.OccurredAt });
        builder.HasIndex(e => new { e.WorkspaceId, e.ActorUserId, e.OccurredAt });
        builder.HasIndex(e => new { e.AccountId, e.OccurredAt });
    }
}
