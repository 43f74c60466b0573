namespace Roster.Infrastructure.Errors;

/// <summary>What kind of failure an <see cref="Error"/> is; decides the HTTP status at the API edge.</summary>
public enum ErrorKind
{
    Validation,
    NotFound,
    Forbidden,
    Conflict,
    Gone,
}

/// <summary>
/// An expected failure, returned as a value. <see cref="Code"/> is stable: clients and tests match on it.
/// <see cref="Fields"/> holds per-field messages for validation failures.
/// </summary>
public sealed record Error(string Code, string Message, ErrorKind Kind, IReadOnlyDictionary<string, string[]>? Fields = null)
{
    public static Error Validation(string field, string message) =>
        new("validation_failed", "One or more fields are invalid.", ErrorKind.Validation, new Dictionary<string, string[]> { [field] = [message] });

    public static Error Validation(IReadOnlyDictionary<string, string[]> fields) =>
        new("validation_failed", "One or more fields are invalid.", ErrorKind.Validation, fields);
}

/// <summary>Either a value or an <see cref="Error"/>.</summary>
public readonly record struct Result<T>
{
    private readonly T? value;

    private Result(T? value, Error? error)
    {
        this.value = value;
        Error = error;
    }

    public Error? Error { get; }

    public bool IsSuccess => Error is null;

    public T Value => IsSuccess ? value! : throw new InvalidOperationException($"No value: {Error!.Code}.");

#pragma warning disable CA1000 // Static factories on the generic type read best at the call site.
    public static Result<T> Success(T value) => new(value, null);

    public static Result<T> Failure(Error error) => new(default, error);
#pragma warning restore CA1000

    public static implicit operator Result<T>(T value) => Success(value);

    public static implicit operator Result<T>(Error error) => Failure(error);
}
