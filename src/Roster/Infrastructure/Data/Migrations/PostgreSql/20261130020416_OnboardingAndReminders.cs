using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Roster.Infrastructure.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class OnboardingAndReminders : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "NameChosenAt",
                table: "Workspaces",
                type: "timestamp with time zone",
                nullable: true);

            // Workspaces made before this column existed were named by someone already (at creation or since): their
            // "Get started" card starts with the name step done.
            migrationBuilder.Sql("UPDATE \"Workspaces\" SET \"NameChosenAt\" = \"CreatedAt\";");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "OnboardingDismissedAt",
                table: "Memberships",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "EmailReminderDismissedAt",
                table: "AspNetUsers",
                type: "timestamp with time zone",
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
