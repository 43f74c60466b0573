using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Roster.Features.Accounts;

namespace Roster.Features.ExternalLogins;

internal sealed class ExternalLoginConfiguration : IEntityTypeConfiguration<ExternalLogin>
{
    public void Configure(EntityTypeBuilder<ExternalLogin> builder)
    {
        builder.Property(l => l.Issuer).HasMaxLength(ExternalLogin.IssuerMaxLength);
        builder.Property(l => l.Subject).HasMaxLength(ExternalLogin.SubjectMaxLength);
        builder.Property(l => l.ProviderKey).HasMaxLength(ExternalLogin.ProviderKeyMaxLength);

        // One identity, one account: two callbacks racing to link or create with it meet this key.
        builder.HasIndex(l => new { l.Issuer, l.Subject }).IsUnique();
        builder.HasIndex(l => l.UserId);
        builder.HasOne<User>().WithMany().HasForeignKey(l => l.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
