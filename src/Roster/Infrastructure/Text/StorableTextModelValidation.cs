using Microsoft.AspNetCore.Mvc.ModelBinding.Validation;

namespace Roster.Infrastructure.Text;

/// <summary>
/// The pages' edge: every string MVC binds (a page's <c>[BindProperty]</c>, a handler's parameter, an item of a bound
/// list) is checked for NUL and unpaired surrogates; a refusal is a model-state error under the field's name, shown
/// beside the field. Lengths come from <see cref="StorableTextAttribute"/>, which MVC validates as any attribute.
/// </summary>
public sealed class StorableTextValidatorProvider : IMetadataBasedModelValidatorProvider
{
    private static readonly IModelValidator Validator = new StorableTextModelValidator();

    /// <inheritdoc />
    public void CreateValidators(ModelValidatorProviderContext context)
    {
        if (context.ModelMetadata.ModelType == typeof(string))
        {
            context.Results.Add(new ValidatorItem { Validator = Validator, IsReusable = true });
        }
    }

    /// <inheritdoc />
    public bool HasValidators(Type modelType, IList<object> validatorMetadata) => modelType == typeof(string);

    private sealed class StorableTextModelValidator : IModelValidator
    {
        public IEnumerable<ModelValidationResult> Validate(ModelValidationContext context) =>
            context.Model is string text && StorableText.Problem(text) is { } problem
                ? [new ModelValidationResult("", problem)]
                : [];
    }
}
