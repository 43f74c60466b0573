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

internal sealed class EmailCodeGuessConfiguration : IEntityTypeConfiguration<EmailCodeGuess>
{
    public void Configure(EntityTypeBuilder<EmailCodeGuess> builder)
    {
        builder.Property(g => g.NormalizedEmail).HasMaxLength(EmailCode.EmailMaxLength);

        // The budget counts an address's guesses of the last 24 hours (and finds the oldest of them) by this index; the
        // clean-up deletes the rows past their 24 hours by the second.
        builder.HasIndex(g => new { g.NormalizedEmail, g.TriedAt });
        builder.HasIndex(g => g.TriedAt);
    }
}
