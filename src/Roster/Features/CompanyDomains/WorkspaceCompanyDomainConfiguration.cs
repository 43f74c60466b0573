using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Roster.Features.Permissions;
using Roster.Features.Workspaces;

namespace Roster.Features.CompanyDomains;

/// <summary>
/// The company-domain columns of <see cref="Workspace"/>, kept beside the feature that owns them (EF applies every
/// configuration of an entity type, so this adds to <c>WorkspaceConfiguration</c>).
/// </summary>
internal sealed class WorkspaceCompanyDomainConfiguration : IEntityTypeConfiguration<Workspace>
{
    public void Configure(EntityTypeBuilder<Workspace> builder)
    {
        builder.Property(w => w.CompanyDomain).HasMaxLength(CompanyDomainNames.MaxLength);
        builder.Property(w => w.JoinPolicy).HasConversion<string>().HasMaxLength(16)
            .HasDefaultValue(JoinPolicy.Request); // Workspaces made before company domains take the default.

        // Discovery reads the workspaces of one normalised domain: one index seek, whatever the number of workspaces,
        // so the answer takes the same time whether or not any match.
        builder.HasIndex(w => w.CompanyDomain);

        // A deleted custom permission leaves the automatic policy joining as the built-in Member's fallback (null).
        builder.HasOne<Permission>().WithMany().HasForeignKey(w => w.AutoJoinPermissionId).OnDelete(DeleteBehavior.SetNull);
    }
}
