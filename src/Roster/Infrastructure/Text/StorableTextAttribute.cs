using System.ComponentModel.DataAnnotations;

namespace Roster.Infrastructure.Text;

/// <summary>
/// Marks text that is stored in a column of <see cref="MaxLength"/> characters (Unicode code points, as PostgreSQL's
/// <c>varchar(n)</c> counts them). Read by the JSON edge (<see cref="StorableTextJson"/>: a longer value in a body is a
/// 400 <c>validation_failed</c> naming the property) and validated by MVC on pages (a form error beside the field).
/// Every string is checked for NUL and unpaired surrogates whether or not it carries this attribute. On a record's
/// positional parameter, target the property: <c>[property: StorableText(80)]</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter | AttributeTargets.Field)]
public sealed class StorableTextAttribute(int maxLength) : ValidationAttribute
{
    /// <summary>The column's size, in characters (code points).</summary>
    public int MaxLength { get; } = maxLength;

    /// <summary>Checks the length only: the content (NUL, surrogates) is checked for every string, annotated or not.</summary>
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext) =>
        value is string text && StorableText.Length(text) > MaxLength
            ? new ValidationResult(ErrorMessage ?? $"Use at most {MaxLength} characters.", validationContext.MemberName is { } member ? [member] : null)
            : ValidationResult.Success;
}
