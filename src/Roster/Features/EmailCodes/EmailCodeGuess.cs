namespace Roster.Features.EmailCodes;

/// <summary>
/// One code tried against a "Continue with email" request of <see cref="NormalizedEmail"/>, counted against the
/// address's daily guess budget (<see cref="EmailCodeGuessBudget"/>). The row is written before the code is compared
/// and stays only if the code was wrong; a right code, or a request that could no longer be tried, removes it. Nothing
/// about the code is stored, and nothing says whether the address has an account.
/// </summary>
public sealed class EmailCodeGuess
{
    /// <summary>The row's id (a new GUID per guess).</summary>
    public Guid Id { get; set; }

    /// <summary>The address of the request the code was tried against, as Identity normalises it.</summary>
    public string NormalizedEmail { get; set; } = "";

    /// <summary>When the code was tried (UTC); the row counts until <see cref="EmailCodeGuessBudget.Window"/> later.</summary>
    public DateTimeOffset TriedAt { get; set; }
}
