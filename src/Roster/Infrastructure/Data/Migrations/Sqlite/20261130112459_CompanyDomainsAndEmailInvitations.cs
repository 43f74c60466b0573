using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Roster.Infrastructure.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class CompanyDomainsAndEmailInvitations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "AutoJoinPermissionId",
                table: "Workspaces",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CompanyDomain",
                table: "Workspaces",
                type: "TEXT",
                maxLength: 253,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "JoinPolicy",
                table: "Workspaces",
                type: "TEXT",
                maxLength: 16,
                nullable: false,
                defaultValue: "Request");

            migrationBuilder.AddColumn<long>(
                name: "JoinNoticesOffAt",
                table: "Memberships",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "EmailInvitations",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    WorkspaceId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Email = table.Column<string>(type: "TEXT", maxLength: 254, nullable: false),
                    NormalizedEmail = table.Column<string>(type: "TEXT", maxLength: 254, nullable: false),
                    PermissionId = table.Column<Guid>(type: "TEXT", nullable: true),
                    TokenHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CreatedByUserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    SentAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: false),
                    RevokedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    RevokedByUserId = table.Column<Guid>(type: "TEXT", nullable: true),
                    AcceptedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    AcceptedByUserId = table.Column<Guid>(type: "TEXT", nullable: true),
                    OutboxMessageId = table.Column<Guid>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EmailInvitations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_EmailInvitations_Permissions_PermissionId",
                        column: x => x.PermissionId,
                        principalTable: "Permissions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_EmailInvitations_Workspaces_WorkspaceId",
                        column: x => x.WorkspaceId,
                        principalTable: "Workspaces",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "JoinRequests",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    WorkspaceId = table.Column<Guid>(type: "TEXT", nullable: false),
                    UserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    DecidedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    DecidedByUserId = table.Column<Guid>(type: "TEXT", nullable: true),
                    PermissionId = table.Column<Guid>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_JoinRequests", x => x.Id);
                    table.ForeignKey(
                        name: "FK_JoinRequests_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_JoinRequests_Workspaces_WorkspaceId",
                        column: x => x.WorkspaceId,
                        principalTable: "Workspaces",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Workspaces_AutoJoinPermissionId",
                table: "Workspaces",
                column: "AutoJoinPermissionId");

            migrationBuilder.CreateIndex(
                name: "IX_Workspaces_CompanyDomain",
                table: "Workspaces",
                column: "CompanyDomain");

            migrationBuilder.CreateIndex(
                name: "IX_EmailInvitations_PermissionId",
                table: "EmailInvitations",
                column: "PermissionId");

            migrationBuilder.CreateIndex(
                name: "IX_EmailInvitations_TokenHash",
                table: "EmailInvitations",
                column: "TokenHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_EmailInvitations_WorkspaceId_NormalizedEmail",
                table: "EmailInvitations",
                columns: new[] { "WorkspaceId", "NormalizedEmail" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_JoinRequests_UserId_CreatedAt",
                table: "JoinRequests",
                columns: new[] { "UserId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_JoinRequests_WorkspaceId_Status_CreatedAt",
                table: "JoinRequests",
                columns: new[] { "WorkspaceId", "Status", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_JoinRequests_WorkspaceId_UserId",
                table: "JoinRequests",
                columns: new[] { "WorkspaceId", "UserId" },
                unique: true,
                filter: "\"Status\" = 'Pending'");

            migrationBuilder.AddForeignKey(
                name: "FK_Workspaces_Permissions_AutoJoinPermissionId",
                table: "Workspaces",
                column: "AutoJoinPermissionId",
                principalTable: "Permissions",
                principalColumn: "Id",
                onDelete: ReferentialAction.SetNull);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Workspaces_Permissions_AutoJoinPermissionId",
                table: "Workspaces");

            migrationBuilder.DropTable(
                name: "EmailInvitations");

            migrationBuilder.DropTable(
                name: "JoinRequests");

            migrationBuilder.DropIndex(
                name: "IX_Workspaces_AutoJoinPermissionId",
                table: "Workspaces");

            migrationBuilder.DropIndex(
                name: "IX_Workspaces_CompanyDomain",
                table: "Workspaces");

            migrationBuilder.DropColumn(
                name: "AutoJoinPermissionId",
                table: "Workspaces");

            migrationBuilder.DropColumn(
                name: "CompanyDomain",
                table: "Workspaces");

            migrationBuilder.DropColumn(
                name: "JoinPolicy",
                table: "Workspaces");

            migrationBuilder.DropColumn(
                name: "JoinNoticesOffAt",
                table: "Memberships");
        }
    }
}
