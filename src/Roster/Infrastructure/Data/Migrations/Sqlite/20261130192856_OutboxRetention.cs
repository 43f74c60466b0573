using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Roster.Infrastructure.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class OutboxRetention : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_EmailInvitations_OutboxMessageId",
                table: "EmailInvitations",
                column: "OutboxMessageId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_EmailInvitations_OutboxMessageId",
                table: "EmailInvitations");
        }
    }
}
