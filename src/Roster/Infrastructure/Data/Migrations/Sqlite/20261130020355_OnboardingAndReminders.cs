using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Roster.Infrastructure.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class OnboardingAndReminders : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "NameChosenAt",
                table: "Workspaces",
                type: "INTEGER",
                nullable: true);

            // Workspaces made before this column existed were named by someone already (at creation or since): their
            // "Get started" card starts with the name step done.
            migrationBuilder.Sql("UPDATE \"Workspaces\" SET \"NameChosenAt\" = \"CreatedAt\";");

            migrationBuilder.AddColumn<long>(
                name: "OnboardingDismissedAt",
                table: "Memberships",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "EmailReminderDismissedAt",
                table: "AspNetUsers",
                type: "INTEGER",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "NameChosenAt",
                table: "Workspaces");

            migrationBuilder.DropColumn(
                name: "OnboardingDismissedAt",
                table: "Memberships");

            migrationBuilder.DropColumn(
                name: "EmailReminderDismissedAt",
                table: "AspNetUsers");
        }
    }
}
