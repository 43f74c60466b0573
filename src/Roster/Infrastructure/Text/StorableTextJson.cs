using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Roster.Infrastructure.Text;

/// <summary>
/// The JSON edge of <see cref="StorableText"/>: every object the API deserializes (Roster's request records and
/// Identity's own, such as <c>RegisterRequest</c>) has each of its strings checked once it is read, including the
/// strings of its lists and dictionaries. A string that cannot be stored, or a required one sent as null, throws <see cref="UnstorableTextException"/>,
/// which <see cref="StorableTextExceptionHandler"/> answers as 400 <c>validation_failed</c> naming the property.
/// </summary>
/// <remarks>
/// A callback after deserialization rather than a string converter: a custom converter for <c>string</c> would make
/// the OpenAPI document describe every string as "any". Unpaired surrogates never reach the callback: the JSON reader
/// itself refuses them (escaped or as invalid UTF-8), and the handler names that field too.
/// </remarks>
public static class StorableTextJson
{
    private const string IdentityContractsNamespace = "Microsoft.AspNetCore.Identity.Data";

    /// <summary>Adds the check to the options' type resolver (the minimal APIs' <c>JsonOptions</c>).</summary>
    public static void Configure(JsonSerializerOptions options) =>
        options.TypeInfoResolver = (options.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver()).WithAddedModifier(AddTextChecks);

    /// <summary>The type-info modifier itself: on each object type with text in it, checks the text after deserialization.</summary>
    public static void AddTextChecks(JsonTypeInfo typeInfo)
    {
        if (typeInfo.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        var checks = typeInfo.Properties
            .Where(property => property.Get is not null && HoldsText(property.PropertyType))
            .Select(property => (Property: property, MaxLength: MaxLengthOf(typeInfo.Type, property), Required: property.IsRequired && !property.IsSetNullable))
            .ToArray();
        if (checks.Length == 0)
        {
            return;
        }

        var previous = typeInfo.OnDeserialized;
        typeInfo.OnDeserialized = value =>
        {
            previous?.Invoke(value);
            foreach (var (property, maxLength, required) in checks)
            {
                var text = property.Get!(value);
                if (text is null && required)
                {
                    // A required member sent as null (Identity's request records: "email": null reached its lookups).
                    throw new UnstorableTextException(property.Name, "A value is required.");
                }

                Check(property.Name, text, maxLength);
            }
        };
    }

    private static void Check(string field, object? value, int? maxLength)
    {
        switch (value)
        {
            case null:
                return;
            case string text:
                if (StorableText.Problem(text, maxLength) is { } problem)
                {
                    throw new UnstorableTextException(field, problem);
                }

                return;
            case IDictionary dictionary:
                foreach (DictionaryEntry entry in dictionary)
                {
                    Check(field, entry.Key as string, null);
                    Check($"{field}.{entry.Key}", entry.Value, null);
                }

                return;
            case IEnumerable items:
                var index = 0;
                foreach (var item in items)
                {
                    Check($"{field}[{index++}]", item, null);
                }

                return;
            default:
                // Another object: its own type info checks its text.
                return;
        }
    }

    private static bool HoldsText(Type type) =>
        type == typeof(string)
        || (type.IsArray && HoldsText(type.GetElementType()!))
        || (typeof(IEnumerable).IsAssignableFrom(type) && type.IsGenericType && type.GetGenericArguments().Any(HoldsText));

    /// <summary>
    /// The column's size for this property: its <see cref="StorableTextAttribute"/>, or, for Identity's request records
    /// (which Roster cannot annotate), the 256 characters of Identity's email columns.
    /// </summary>
    private static int? MaxLengthOf(Type declaringType, JsonPropertyInfo property)
    {
        if (property.AttributeProvider?.GetCustomAttributes(typeof(StorableTextAttribute), inherit: true).OfType<StorableTextAttribute>().FirstOrDefault() is { } attribute)
        {
            return attribute.MaxLength;
        }

        var member = property.AttributeProvider as MemberInfo;
        return declaringType.Namespace == IdentityContractsNamespace && member?.Name is "Email" or "NewEmail"
            ? StorableText.IdentityMaxLength
            : null;
    }
}

/// <summary>
/// A string in a JSON body that the database could not store. <see cref="Field"/> is the property's JSON name relative
/// to the object that holds it; the serializer's <see cref="JsonException.Path"/> says where that object is.
/// </summary>
public sealed class UnstorableTextException(string field, string message) : JsonException(message)
{
    /// <summary>The property's JSON name (camelCase), with an index or key for an item of a list or dictionary.</summary>
    public string Field { get; } = field;

    /// <summary>The field's full name in the body, such as <c>checks[2].menu</c>: the holding object's path, then <see cref="Field"/>.</summary>
    public string FullField => StorableTextExceptionHandler.FieldOf(Path, Field);
}
