using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.Data;

namespace Roster.Features.Accounts;

/// <summary>
/// Wraps Identity's <c>POST /api/v1/auth/register</c>, which would answer "already taken" for an address
/// that has an account. Here that address gets the answer of a successful sign-up, after the same password
/// checks and the same hashing work, and its owner gets an email instead.
/// </summary>
public sealed class RegisterWithoutEnumerationFilter(UserManager<User> users, AccountEmails emails) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.Arguments.OfType<RegisterRequest>().FirstOrDefault();
        if (request is null || string.IsNullOrWhiteSpace(request.Email) || await users.FindByEmailAsync(request.Email) is not { } owner)
        {
            return await next(context);
        }

        var errors = new Dictionary<string, string[]>();
        foreach (var validator in users.PasswordValidators)
        {
            var result = await validator.ValidateAsync(users, new User(), request.Password);
            foreach (var error in result.Errors)
            {
                errors[error.Code] = [error.Description];
            }
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        // Spend the time a new account's password hash would take, so the answer's timing tells nothing either.
        users.PasswordHasher.HashPassword(owner, request.Password);
        await emails.SendAlreadyRegisteredAsync(owner.Email!, context.HttpContext.RequestAborted);
        return TypedResults.Ok();
    }
}
