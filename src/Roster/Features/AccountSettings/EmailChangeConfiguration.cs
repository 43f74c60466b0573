using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Roster.Features.Accounts;

namespace Roster.Features.AccountSettings;

/// <summary>One pending change per account (the key is the user's id), found by its token's hash; it goes with the account.</summary>
internal sealed class EmailChangeConfiguration : IEntityTypeConfiguration<EmailChange>
{
    public void Configure(EntityTypeBuilder<EmailChange> builder)
    {
        builder.HasKey(c => c.UserId);
        builder.Property(c => c.NewEmail).HasMaxLength(EmailChange.EmailMaxLength);
        builder.Property(c => c.TokenHash).HasMaxLength(64);
        builder.HasIndex(c => c.TokenHash).IsUnique();
        builder.HasOne<User>().WithOne().HasForeignKey<EmailChange>(c => c.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
