using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Roster.Infrastructure.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class EmailCodeGuessBudget : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "EmailCodeGuesses",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    NormalizedEmail = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    TriedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EmailCodeGuesses", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_EmailCodeGuesses_NormalizedEmail_TriedAt",
                table: "EmailCodeGuesses",
                columns: new[] { "NormalizedEmail", "TriedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_EmailCodeGuesses_TriedAt",
                table: "EmailCodeGuesses",
                column: "TriedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "EmailCodeGuesses");
        }
    }
}
