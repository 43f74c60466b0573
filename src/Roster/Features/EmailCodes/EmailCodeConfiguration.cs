using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Roster.Features.EmailCodes;

internal sealed class EmailCodeConfiguration : IEntityTypeConfiguration<EmailCode>
{
    public void Configure(EntityTypeBuilder<EmailCode> builder)
    {
        builder.Property(c => c.Email).HasMaxLength(EmailCode.EmailMaxLength);
        builder.Property(c => c.NormalizedEmail).HasMaxLength(EmailCode.EmailMaxLength);
        builder.Property(c => c.CodeHash).HasMaxLength(64);
        builder.Property(c => c.LinkTokenHash).HasMaxLength(64);
        builder.Property(c => c.RequesterHash).HasMaxLength(64);

        // The link and the requester each find exactly one request; expired rows are found by their time.
        builder.HasIndex(c => c.LinkTokenHash).IsUnique();
        builder.HasIndex(c => c.RequesterHash).IsUnique();
        builder.HasIndex(c => c.ExpiresAt);
        builder.HasIndex(c => c.NormalizedEmail);
    }
}
