using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Roster.Infrastructure.Email;

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> builder)
    {
        builder.ToTable("OutboxMessages");
        builder.Property(m => m.Kind).HasMaxLength(OutboxMessage.KindMaxLength);
        builder.Property(m => m.To).HasMaxLength(OutboxMessage.ToMaxLength);
        builder.Property(m => m.Subject).HasMaxLength(OutboxMessage.SubjectMaxLength);
        builder.Property(m => m.LastError).HasMaxLength(OutboxMessage.ErrorMaxLength);
        builder.Property(m => m.Status).HasConversion(new ValueConverter<OutboxMessageStatus, string>(
            status => status.ToString().ToLowerInvariant(),
            stored => Enum.Parse<OutboxMessageStatus>(stored, true))).HasMaxLength(16);

        // The worker's question: "pending messages due now, oldest first".
        builder.HasIndex(m => new { m.Status, m.NextAttemptAt });
    }
}
