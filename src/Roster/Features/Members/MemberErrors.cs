using Roster.Infrastructure.Errors;

namespace Roster.Features.Members;

public static class MemberErrors
{
    public static readonly Error NotFound = new("member.not_found", "No such member in this workspace.", ErrorKind.NotFound);

    // SPEC section 3: a workspace always keeps an Admin, so someone can always administer it.
    public static readonly Error LastAdmin = new(
        "member.last_admin",
        "A workspace needs at least one Admin. Make another member Admin first.",
        ErrorKind.Conflict);

    public static readonly Error AlreadyMember = new("member.already_member", "This person is already a member of the workspace.", ErrorKind.Conflict);

    public static readonly Error WorkspaceGone = new("workspace.not_found", "No such workspace.", ErrorKind.NotFound);
}
